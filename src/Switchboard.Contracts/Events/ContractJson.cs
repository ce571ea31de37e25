using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchboard.Contracts.Events;

/// <summary>The JSON conventions of the wire protocol: camelCase, nulls omitted.</summary>
public static class ContractJson
{
    /// <summary>Options shared by server and SDK.</summary>
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.Strict,
            MaxDepth = 32,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
