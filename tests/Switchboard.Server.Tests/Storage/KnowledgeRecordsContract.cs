using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Switchboard.Server.Knowledge;
using Switchboard.Server.Redaction;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Storage;

/// <summary>What the knowledge base promises, on SQLite (FTS5) and on a real PostgreSQL (its full-text search).</summary>
public abstract class KnowledgeRecordsContract
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly ManualClock _clock = new(StoreEvents.T0);

    /// <summary>Opens the knowledge base's tables; a second call with the same name is another node on the same database.</summary>
    protected abstract IKnowledgeRecords Open(string database = "main");

    private KnowledgeBase Base(string database = "main") =>
        new(Open(database), new Redactor(Options.Create(new RedactionOptions()), NullLogger<Redactor>.Instance), _clock);

    [Fact]
    public async Task Answered_questions_wait_for_review_repeats_are_counted_and_only_approved_entries_are_found()
    {
        var kb = Base();
        var first = await kb.AddAnsweredAsync("Do you open on Sundays?", "Yes, from ten to four.", "hours", "call-1", "r1", None);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var again = await kb.AddAnsweredAsync("Are you open on Sunday?", "Yes, 10:00 to 16:00.", "hours", "call-2", "r1", None);

        Assert.Equal(first.Id, again.Id);
        Assert.Equal(2, again.Occurrences);
        Assert.Equal("Yes, 10:00 to 16:00.", again.Answer);
        Assert.Equal(KbStatus.Pending, again.Status);
        Assert.Empty(await kb.SearchAsync("sunday opening", null, 5, None));

        var approved = await kb.ApproveAsync(first.Id, "ana", None);
        Assert.Equal((KbStatus.Approved, "ana", StoreEvents.T0.AddSeconds(1)), (approved!.Status, approved.ReviewedBy, approved.UpdatedAt));
        var hit = Assert.Single(await kb.SearchAsync("open on sunday", null, 5, None));
        Assert.Equal(first.Id, hit.Id);
        Assert.True(hit.Score > 0);
        Assert.Empty(await kb.SearchAsync("open on sunday", "billing", 5, None));
        Assert.Single(await kb.SearchAsync("open on sunday", "hours", 5, None));

        // A repeat of an approved question is a new pending entry that points at it.
        var third = await kb.AddAnsweredAsync("Open Sundays?", "Yes.", "hours", "call-3", "r9", None);
        Assert.NotEqual(first.Id, third.Id);
        Assert.Equal(first.Id, third.DuplicateOf);

        await kb.RejectAsync(first.Id, "bo", None);
        Assert.Empty(await kb.SearchAsync("open on sunday", null, 5, None));
        Assert.Equal([third.Id], (await kb.ListAsync(KbStatus.Pending, 10, None)).Select(e => e.Id));
        Assert.Equal(2, (await kb.ListAsync(null, 10, None)).Count);
        Assert.Null(await kb.ApproveAsync(9999, "ana", None));
    }

    [Fact]
    public async Task A_merge_moves_the_occurrences_and_leaves_the_index_and_a_merged_entry_cannot_come_back()
    {
        var kb = Base();
        var target = await kb.CreateAsync("How do I reset my password?", "Use the link on the sign-in page.", "account", "ana", None);
        var pending = await kb.AddAnsweredAsync("Forgot my login password, what now?", "Click forgot password.", "account", "call-1", "r1", None);
        await kb.AddAnsweredAsync("Forgot my login password, what now?", "Click forgot password.", "account", "call-2", "r1", None);
        await kb.ApproveAsync(pending.Id, "ana", None);
        Assert.Equal(2, (await kb.SearchAsync("password", null, 5, None)).Count);

        var merged = await kb.MergeAsync(pending.Id, target.Id, "bo", None);

        Assert.Equal((KbStatus.Merged, (long?)target.Id), (merged!.Status, merged.MergedInto));
        Assert.Equal(3, (await kb.GetAsync(target.Id, None))!.Occurrences);
        Assert.Equal([target.Id], (await kb.SearchAsync("password", null, 5, None)).Select(h => h.Id));
        var refused = await Assert.ThrowsAsync<KbReviewConflictException>(() => kb.ApproveAsync(pending.Id, "ana", None));
        Assert.Contains("merged", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<KbReviewConflictException>(() => kb.MergeAsync(target.Id, pending.Id, "bo", None));
        await Assert.ThrowsAsync<KbReviewConflictException>(() => kb.MergeAsync(target.Id, target.Id, "bo", None));
        Assert.Equal(KbStatus.Approved, (await kb.GetAsync(target.Id, None))!.Status);
    }

    [Fact]
    public async Task An_edit_of_an_approved_entry_is_searched_by_its_new_words()
    {
        var kb = Base();
        var entry = await kb.CreateAsync("Where do you deliver?", "Inside the city.", null, "ana", None);
        Assert.Single(await kb.SearchAsync("deliver", null, 5, None));

        await kb.EditAsync(entry.Id, "Which postcodes do you ship to?", null, "shipping", "bo", None);

        Assert.Empty(await kb.SearchAsync("deliver", null, 5, None));
        var hit = Assert.Single(await kb.SearchAsync("ship postcodes", "shipping", 5, None));
        Assert.Equal(("Which postcodes do you ship to?", "Inside the city."), (hit.Question, hit.Answer));
    }

    [Fact]
    public async Task Search_ranks_the_question_above_the_answer_and_stems_words_and_ignores_query_syntax()
    {
        var kb = Base();
        var refunds = await kb.CreateAsync("How long do refunds take?", "Five working days after we receive the parcel.", "billing", "ana", None);
        var parcel = await kb.CreateAsync("Can I track my parcel?", "Yes, with the link in the shipping email; refunds are separate.", "shipping", "ana", None);
        var cancel = await kb.CreateAsync("How do I cancel my subscription?", "In account settings, under plan.", "account", "ana", None);
        await kb.CreateAsync("Do you sell gift cards?", "Yes, in every store.", null, "ana", None);

        Assert.Equal([refunds.Id, parcel.Id], (await kb.SearchAsync("refund", null, 5, None)).Select(h => h.Id));
        Assert.Equal([parcel.Id, refunds.Id], (await kb.SearchAsync("tracking parcels", null, 5, None)).Select(h => h.Id));
        Assert.Equal(cancel.Id, (await kb.SearchAsync("cancelling subscriptions", null, 5, None))[0].Id);
        // Query syntax of either engine is only text.
        Assert.Equal(cancel.Id, (await kb.SearchAsync("cancel\" OR * NEAR(subscription) & !|:*", null, 5, None))[0].Id);
        Assert.Empty(await kb.SearchAsync("the and of", null, 5, None));
        var suggested = await kb.SuggestAsync("how long until my refund arrives?", 3, 0.3, None);
        Assert.Equal(refunds.Id, suggested[0].EntryId);
    }

    [Fact]
    public async Task An_entry_approved_on_one_node_is_found_on_the_other_and_crossed_merges_leave_one_entry_standing()
    {
        var a = Base("shared");
        var b = Base("shared");
        var x = await a.AddAnsweredAsync("Is parking free?", "Yes, for two hours.", null, "call-1", "r1", None);
        var y = await b.CreateAsync("Where can I park?", "Behind the building.", null, "bo", None);
        await b.ApproveAsync(x.Id, "bo", None);
        Assert.Equal(2, (await a.SearchAsync("parking park", null, 5, None)).Count);

        // Each node merges one into the other at once: exactly one merge stands.
        var results = await Task.WhenAll(
            Attempt(() => a.MergeAsync(x.Id, y.Id, "ana", None)),
            Attempt(() => b.MergeAsync(y.Id, x.Id, "bo", None)));

        Assert.Single(results, merged => merged);
        var statuses = new[] { (await a.GetAsync(x.Id, None))!.Status, (await a.GetAsync(y.Id, None))!.Status };
        Assert.Equal([KbStatus.Approved, KbStatus.Merged], statuses.Order(StringComparer.Ordinal));
        Assert.Single(await b.SearchAsync("parking park", null, 5, None));
    }

    [Fact]
    public async Task Exported_entries_import_with_their_ids_once_and_new_entries_get_new_ids()
    {
        var source = Base("source");
        var kept = await source.CreateAsync("Do you ship abroad?", "Only within the EU.", "shipping", "ana", None);
        var waiting = await source.AddAnsweredAsync("Can I pay by invoice?", "Yes, for companies.", "billing", "call-1", "r1", None);
        var target = Open("target");

        foreach (var entry in await Open("source").ExportAsync(None))
        {
            Assert.True(await target.ImportAsync(entry, None));
            Assert.False(await target.ImportAsync(entry, None));
        }

        Assert.Equal(await Open("source").ExportAsync(None), await target.ExportAsync(None));
        Assert.Equal(kept.Id, Assert.Single(await target.SearchAsync(["abroad"], null, 5, None)).Id);
        var fresh = await target.InsertAsync(waiting with { Question = "Another question" }, None);
        Assert.True(fresh.Id > waiting.Id);
    }

    private static async Task<bool> Attempt(Func<Task<KbEntry?>> merge)
    {
        try
        {
            return await merge() is not null;
        }
        catch (KbReviewConflictException)
        {
            return false;
        }
    }
}

public sealed class SqliteKnowledgeRecordsContract : KnowledgeRecordsContract, IDisposable
{
    private readonly SqliteDirectories _sqlite = new();

    public void Dispose() => _sqlite.Dispose();

    protected override IKnowledgeRecords Open(string database = "main") =>
        new SqliteKnowledgeRecords(_sqlite.Open(database));
}

public sealed class PostgresKnowledgeRecordsContract : KnowledgeRecordsContract, IDisposable
{
    private readonly PostgresDatabases _databases = new();

    public void Dispose() => _databases.Dispose();

    protected override IKnowledgeRecords Open(string database = "main") => new PostgresKnowledgeRecords(_databases.Open(database));
}
