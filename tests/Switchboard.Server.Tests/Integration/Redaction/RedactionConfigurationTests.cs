using Microsoft.Extensions.Options;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration.Redaction;

/// <summary>The server refuses to start with redaction settings it cannot honour.</summary>
public sealed class RedactionConfigurationTests
{
    [Fact]
    public void Unknown_modes_and_roles_stop_the_start_with_every_setting_named()
    {
        using var app = new SwitchboardApp();
        app.Settings["Redaction:Card"] = "mask";
        app.Settings["Redaction:Phone"] = "";
        app.Settings["Redaction:OriginalsRole"] = "root";

        var error = Assert.ThrowsAny<OptionsValidationException>(() => app.CreateClient());

        Assert.Contains("Redaction:Card must be storage, display or off (was 'mask')", error.Message, StringComparison.Ordinal);
        Assert.Contains("Redaction:Phone must be storage, display or off (was '')", error.Message, StringComparison.Ordinal);
        Assert.Contains("Redaction:OriginalsRole must be viewer, supervisor, admin or none (was 'root')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_misspelt_setting_stops_the_start_instead_of_leaving_data_unmasked()
    {
        using var app = new SwitchboardApp();
        app.Settings["Redaction:Phones"] = "storage";

        var error = Assert.ThrowsAny<InvalidOperationException>(() => app.CreateClient());

        Assert.Contains("Phones", error.Message, StringComparison.Ordinal);
    }
}
