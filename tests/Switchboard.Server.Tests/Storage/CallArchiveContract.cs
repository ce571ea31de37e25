using Switchboard.Server.Archive;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Storage;

/// <summary>What the call archive promises, on SQLite (FTS5) and on a real PostgreSQL (its full-text search).</summary>
public abstract class CallArchiveContract
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>Opens the archive; a second call with the same name is another node on the same database.</summary>
    protected abstract ICallArchive Open(string database = "main");

    private static CallSummary Summary(string id, int minute, string agent = "greeter", long lastSeq = 10) => new()
    {
        CallId = id,
        LastSeq = lastSeq,
        AgentName = agent,
        Personas = [agent, "billing_desk"],
        StartedAt = Events.T0.AddMinutes(minute),
        EndedAt = Events.T0.AddMinutes(minute + 1),
        EndReason = minute % 2 == 0 ? "completed" : "transferred",
        Contained = minute % 2 == 0,
        Sentiment = new SentimentFigures(0, 0, -0.5, minute / 10.0 - 0.3),
        HandleSeconds = 60,
    };

    [Fact]
    public async Task A_summary_is_read_back_as_stored_and_an_older_fold_never_replaces_a_newer_one()
    {
        var a = Open("shared");
        var b = Open("shared");
        var newer = Summary("c1", 0, lastSeq: 20) with { TalkSeconds = new Dictionary<string, double> { ["agent"] = 5 }, Cost = new CostFigures(1, 1) };
        await a.SaveAsync(newer, "hello there", None);
        await b.SaveAsync(Summary("c1", 0, lastSeq: 12), "stale words", None);

        var read = (await b.GetAsync("c1", None))!;
        Assert.Equal((20L, 5.0, 1.0), (read.LastSeq, read.TalkSeconds["agent"], read.Cost.Total));
        Assert.Empty(await a.QueryAsync(new PastCallQuery(new PastCallFilters(Q: "stale")), None));
        Assert.Single(await a.QueryAsync(new PastCallQuery(new PastCallFilters(Q: "hello")), None));
        Assert.Null(await a.GetAsync("nope", None));
        Assert.Equal(new Dictionary<string, long> { ["c1"] = 20 }, await a.FoldedUpToAsync(["c1", "nope"], None));
    }

    [Fact]
    public async Task Past_calls_are_filtered_searched_by_their_words_and_paged_newest_first()
    {
        var archive = Open();
        for (var minute = 0; minute < 6; minute++)
        {
            var transcript = minute == 3 ? "I want to cancel my subscription today" : minute == 4 ? "Cancelling would cost what?" : "Just checking my balance";
            await archive.SaveAsync(Summary($"c{minute}", minute, agent: minute < 3 ? "greeter" : "sales"), transcript, None);
        }

        async Task<string[]> Ids(PastCallQuery q) => [.. (await archive.QueryAsync(q, None)).Select(s => s.CallId)];
        Assert.Equal(["c5", "c4", "c3", "c2", "c1", "c0"], await Ids(new PastCallQuery()));
        Assert.Equal(["c2", "c1"], await Ids(new PastCallQuery(new PastCallFilters(From: Events.T0.AddMinutes(1), To: Events.T0.AddMinutes(3)))));
        Assert.Equal(["c2", "c1", "c0"], await Ids(new PastCallQuery(new PastCallFilters(Agent: "greeter"))));
        Assert.Equal(["c5", "c4", "c3"], await Ids(new PastCallQuery(new PastCallFilters(Persona: "sales"))));
        Assert.Equal(6, (await Ids(new PastCallQuery(new PastCallFilters(Persona: "billing_desk")))).Length);
        Assert.Empty(await Ids(new PastCallQuery(new PastCallFilters(Persona: "billing%"))));
        Assert.Equal(["c5", "c3", "c1"], await Ids(new PastCallQuery(new PastCallFilters(EndReason: "transferred"))));
        Assert.Equal(["c4", "c2", "c0"], await Ids(new PastCallQuery(new PastCallFilters(Contained: true))));
        Assert.Equal(["c2", "c1", "c0"], await Ids(new PastCallQuery(new PastCallFilters(SentimentBelow: 0))));
        // Stemmed: "cancelling" finds "cancel", and the other way round; typed syntax is only words.
        Assert.Equal(["c4", "c3"], await Ids(new PastCallQuery(new PastCallFilters(Q: "cancel"))));
        Assert.Equal(["c4", "c3"], await Ids(new PastCallQuery(new PastCallFilters(Q: "cancelling \" OR * ("))));
        Assert.Equal(["c3"], await Ids(new PastCallQuery(new PastCallFilters(Q: "subscription", Agent: "sales"))));
        Assert.Empty(await Ids(new PastCallQuery(new PastCallFilters(Q: "the and"))));
        var first = await archive.QueryAsync(new PastCallQuery(Limit: 2), None);
        Assert.Equal(["c3", "c2"], await Ids(new PastCallQuery(Limit: 2, Before: (first[^1].StartedAt, first[^1].CallId))));
    }
}

public sealed class SqliteCallArchiveContract : CallArchiveContract, IDisposable
{
    private readonly SqliteDirectories _sqlite = new();

    public void Dispose() => _sqlite.Dispose();

    protected override ICallArchive Open(string database = "main") => new SqliteCallArchive(_sqlite.Open(database));
}

public sealed class PostgresCallArchiveContract : CallArchiveContract, IDisposable
{
    private readonly PostgresDatabases _databases = new();

    public void Dispose() => _databases.Dispose();

    protected override ICallArchive Open(string database = "main") => new PostgresCallArchive(_databases.Open(database));
}
