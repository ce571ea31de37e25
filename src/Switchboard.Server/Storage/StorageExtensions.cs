namespace Switchboard.Server.Storage;

/// <summary>Registers the event store.</summary>
public static class StorageExtensions
{
    /// <summary>Adds the SQLite event store with validated <see cref="StorageOptions"/>.</summary>
    public static IHostApplicationBuilder AddStorage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SqliteConnectionFactory>();
        builder.Services.AddSingleton<SqliteEventStore>();
        builder.Services.AddSingleton<IEventStore>(sp => sp.GetRequiredService<SqliteEventStore>());
        builder.Services.AddHostedService<SqliteCheckpointer>();
        return builder;
    }
}
