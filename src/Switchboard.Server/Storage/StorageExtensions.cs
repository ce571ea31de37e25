using Microsoft.Extensions.Options;
using Switchboard.Server.Storage.Postgres;

namespace Switchboard.Server.Storage;

/// <summary>Registers the event store of the configured provider.</summary>
public static class StorageExtensions
{
    /// <summary>
    /// Adds the event store named by <c>Storage:Provider</c> (SQLite by default, or PostgreSQL)
    /// with validated <see cref="StorageOptions"/>, and the shared state that moves with it (job
    /// leases, agent presence, command and ephemeral relays). Each feature registers its own store
    /// of the same provider (accounts, keys, audit and presence in AddIdentity, the knowledge base,
    /// help requests, webhook receipts); docs/MULTI-NODE.md lists what stays per node.
    /// </summary>
    public static IHostApplicationBuilder AddStorage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SqliteConnectionFactory>();
        if (builder.UsesPostgres())
        {
            builder.Services.AddSingleton<PostgresDatabase>();
            builder.Services.AddSingleton(sp => new PostgresEventStore(
                sp.GetRequiredService<PostgresDatabase>(),
                sp.GetRequiredService<ICommitSink>(),
                sp.GetRequiredService<IOptions<StorageOptions>>(),
                sp.GetRequiredService<ILogger<PostgresEventStore>>()));
            builder.Services.AddSingleton<IEventStore>(sp => sp.GetRequiredService<PostgresEventStore>());
            builder.Services.AddSingleton<IStoreStatistics>(sp => sp.GetRequiredService<PostgresEventStore>());
            builder.Services.AddSingleton<Operations.IJobLeases, Operations.PostgresJobLeases>();
            builder.Services.AddSingleton<Calls.IAgentPresence, Calls.PostgresAgentPresence>();
            builder.Services.AddSingleton<Ingest.PostgresCommandRelay>();
            builder.Services.AddSingleton<Ingest.ICommandRelay>(sp => sp.GetRequiredService<Ingest.PostgresCommandRelay>());
            builder.Services.AddHostedService(sp => sp.GetRequiredService<Ingest.PostgresCommandRelay>());
            builder.Services.AddSingleton<Ingest.PostgresEphemeralRelay>();
            builder.Services.AddSingleton<Ingest.IEphemeralRelay>(sp => sp.GetRequiredService<Ingest.PostgresEphemeralRelay>());
            builder.Services.AddHostedService(sp => sp.GetRequiredService<Ingest.PostgresEphemeralRelay>());
        }
        else
        {
            builder.Services.AddSingleton<SqliteEventStore>();
            builder.Services.AddSingleton<IEventStore>(sp => sp.GetRequiredService<SqliteEventStore>());
            builder.Services.AddSingleton<IStoreStatistics>(sp => sp.GetRequiredService<SqliteEventStore>());
            builder.Services.AddHostedService<SqliteCheckpointer>();
            builder.Services.AddSingleton<Operations.IJobLeases, Operations.LocalJobLeases>();
            builder.Services.AddSingleton<Calls.IAgentPresence, Calls.LocalAgentPresence>();
            builder.Services.AddSingleton<Ingest.ICommandRelay, Ingest.LocalCommandRelay>();
            builder.Services.AddSingleton<Ingest.IEphemeralRelay, Ingest.LocalEphemeralRelay>();
        }

        return builder;
    }

    /// <summary>
    /// Registers a feature's store: <typeparamref name="TShared"/> (on PostgreSQL) when nodes share
    /// PostgreSQL, else <typeparamref name="TLocal"/> (the node's SQLite file, or its memory).
    /// </summary>
    public static IHostApplicationBuilder AddStore<TStore, TLocal, TShared>(this IHostApplicationBuilder builder)
        where TStore : class
        where TLocal : class, TStore
        where TShared : class, TStore
    {
        if (builder.UsesPostgres())
        {
            builder.Services.AddSingleton<TStore, TShared>();
        }
        else
        {
            builder.Services.AddSingleton<TStore, TLocal>();
        }

        return builder;
    }

    /// <summary>True when <c>Storage:Provider</c> names PostgreSQL: the features that keep shared state register their PostgreSQL stores.</summary>
    public static bool UsesPostgres(this IHostApplicationBuilder builder) =>
        string.Equals(builder.Configuration[$"{StorageOptions.Section}:{nameof(StorageOptions.Provider)}"], "postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Opens the configured store before anything else starts. Returns null when it is usable;
    /// otherwise writes what to fix to <paramref name="error"/> and returns the exit code. Other
    /// settings' validation failures propagate as at any start.
    /// </summary>
    public static int? CheckStorage(this IServiceProvider services, TextWriter error)
    {
        try
        {
            _ = services.GetRequiredService<IOptions<StorageOptions>>().Value;
            _ = services.GetRequiredService<IEventStore>();
            _ = services.GetRequiredService<Identity.IApiKeyRecords>();
            _ = services.GetRequiredService<Identity.IUserRecords>();
            _ = services.GetRequiredService<Calls.IAgentPresence>();
            _ = services.GetRequiredService<Ingest.ICommandRelay>();
            _ = services.GetRequiredService<Identity.IAuditRecords>();
            _ = services.GetRequiredService<Identity.ISupervisorPresence>();
            _ = services.GetRequiredService<Knowledge.IKnowledgeRecords>();
            _ = services.GetRequiredService<Escalations.IHelpRequestRecords>();
            _ = services.GetRequiredService<LiveKit.IWebhookReceipts>();
            _ = services.GetRequiredService<Archive.ICallArchive>();
            _ = services.GetRequiredService<Outbound.IOutboundRecords>();
            return null;
        }
        catch (StorageStartException ex)
        {
            error.WriteLine("Switchboard cannot start: " + ex.Message);
            return 2;
        }
        catch (OptionsValidationException ex) when (ex.OptionsType == typeof(StorageOptions))
        {
            error.WriteLine("Switchboard cannot start: " + string.Join(" ", ex.Failures));
            return 2;
        }
    }
}
