using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Switchboard.Sdk.Tests.Unit;

public sealed class DependencyInjectionTests
{
    [Fact]
    public async Task AddSwitchboardClient_registers_one_configured_client()
    {
        var services = new ServiceCollection().AddSwitchboardClient(o =>
        {
            o.ServerUrl = new Uri("http://127.0.0.1:9/");
            o.ApiKey = "sbk_test";
            o.ShutdownTimeout = TimeSpan.Zero;
        });
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<SwitchboardClient>();
        Assert.Same(client, provider.GetRequiredService<SwitchboardClient>());
    }

    [Fact]
    public async Task AddSwitchboardClient_with_invalid_options_reports_every_problem()
    {
        var services = new ServiceCollection().AddSwitchboardClient(o => o.MaxBatchEvents = 0);
        await using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<SwitchboardClient>());
        Assert.Contains(ex.Failures, f => f.Contains("ServerUrl", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("ApiKey", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("MaxBatchEvents", StringComparison.Ordinal));
    }
}
