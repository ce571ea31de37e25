namespace Switchboard.Server.Demo;

/// <summary>Registers the demo load.</summary>
public static class DemoExtensions
{
    /// <summary>Adds <see cref="DemoLoad"/> when <c>Demo:Enabled</c> is true.</summary>
    public static IHostApplicationBuilder AddDemo(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        if (builder.Configuration.GetValue<bool>($"{DemoOptions.Section}:{nameof(DemoOptions.Enabled)}"))
        {
            builder.Services.AddHostedService<DemoLoad>();
        }

        return builder;
    }
}
