using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Sdk.Internal;

namespace Switchboard.Sdk;

/// <summary>Registers <see cref="SwitchboardClient"/> with dependency injection.</summary>
public static class SwitchboardServiceCollectionExtensions
{
    /// <summary>
    /// Adds a singleton <see cref="SwitchboardClient"/> configured by <paramref name="configure"/>
    /// (and by any other configuration of <see cref="SwitchboardClientOptions"/>, such as a bound
    /// section). The options are validated when the host starts; every problem is reported at once.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options, for example the server URL and API key.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddSwitchboardClient(this IServiceCollection services, Action<SwitchboardClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<SwitchboardClientOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SwitchboardClientOptions>, OptionsValidator>());
        services.TryAddSingleton(sp => new SwitchboardClient(
            sp.GetRequiredService<IOptions<SwitchboardClientOptions>>().Value,
            sp.GetService<ILoggerFactory>(),
            sp.GetService<TimeProvider>()));
        return services;
    }
}
