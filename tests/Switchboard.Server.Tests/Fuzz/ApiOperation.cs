using System.Text.Json;

namespace Switchboard.Server.Tests.Fuzz;

/// <summary>One operation of the server's OpenAPI document: what the fuzzer may vary.</summary>
public sealed record ApiOperation(string Method, string PathTemplate, IReadOnlyList<string> PathParameters, IReadOnlyList<ApiQueryParameter> Query, ApiShape? Body)
{
    /// <summary>Every operation of the document, in the document's order.</summary>
    public static IReadOnlyList<ApiOperation> FromOpenApi(JsonElement document)
    {
        var schemas = document.GetProperty("components").GetProperty("schemas");
        var operations = new List<ApiOperation>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var op in path.Value.EnumerateObject())
            {
                var parameters = op.Value.TryGetProperty("parameters", out var p) ? p.EnumerateArray().ToList() : [];
                var body = op.Value.TryGetProperty("requestBody", out var rb)
                    && rb.GetProperty("content").EnumerateObject().FirstOrDefault().Value is { ValueKind: JsonValueKind.Object } content
                    && content.TryGetProperty("schema", out var schema)
                    ? ApiShape.Read(schema, schemas, 0)
                    : null;
                operations.Add(new ApiOperation(
                    op.Name.ToUpperInvariant(),
                    path.Name,
                    [.. parameters.Where(x => x.GetProperty("in").GetString() == "path").Select(x => x.GetProperty("name").GetString()!)],
                    [.. parameters.Where(x => x.GetProperty("in").GetString() == "query").Select(x => new ApiQueryParameter(
                        x.GetProperty("name").GetString()!,
                        x.TryGetProperty("schema", out var s) ? ApiShape.Read(s, schemas, 0).Kind : "string"))],
                    body));
            }
        }

        return operations;
    }
}

/// <summary>A query parameter and the kind of its value.</summary>
public sealed record ApiQueryParameter(string Name, string Kind);

/// <summary>The shape of a JSON value as the document describes it: enough to build valid values and to break them.</summary>
public sealed record ApiShape(string Kind, IReadOnlyDictionary<string, ApiShape> Properties, ApiShape? Items)
{
    private static readonly Dictionary<string, ApiShape> None = [];

    public static ApiShape Read(JsonElement schema, JsonElement schemas, int depth)
    {
        if (depth > 6)
        {
            return new ApiShape("any", None, null);
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!.Split('/')[^1];
            return schemas.TryGetProperty(name, out var target) ? Read(target, schemas, depth + 1) : new ApiShape("any", None, null);
        }

        if (schema.TryGetProperty("oneOf", out var oneOf) || schema.TryGetProperty("anyOf", out oneOf))
        {
            var options = oneOf.EnumerateArray().Select(o => Read(o, schemas, depth + 1)).ToList();
            return options.FirstOrDefault(o => o.Kind != "null") ?? options[0];
        }

        var kind = schema.TryGetProperty("type", out var type)
            ? type.ValueKind == JsonValueKind.Array
                ? type.EnumerateArray().Select(t => t.GetString()!).FirstOrDefault(t => t != "null") ?? "null"
                : type.GetString()!
            : schema.TryGetProperty("properties", out _) ? "object" : "any";
        if (kind is "string" && schema.TryGetProperty("format", out var format))
        {
            kind = "string:" + format.GetString();
        }

        var properties = schema.TryGetProperty("properties", out var props)
            ? props.EnumerateObject().ToDictionary(p => p.Name, p => Read(p.Value, schemas, depth + 1))
            : None;
        var items = schema.TryGetProperty("items", out var i) ? Read(i, schemas, depth + 1) : null;
        return new ApiShape(kind, properties, items);
    }
}
