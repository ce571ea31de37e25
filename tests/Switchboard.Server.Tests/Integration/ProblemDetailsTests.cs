using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Switchboard.Server.Identity;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration;

/// <summary>Every JSON endpoint answers bad input with a problem detail that says what to fix, never a bare 400 or a 5xx.</summary>
public sealed class ProblemDetailsTests : IDisposable
{
    private readonly SwitchboardApp _app = new();

    public void Dispose() => _app.Dispose();

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [Fact]
    public async Task Malformed_json_to_login_says_where_it_broke()
    {
        using var client = _app.CreateClient();
        using var content = new StringContent("""{"username": "admin", "password": }""", Encoding.UTF8, "application/json");
        using var response = await client.PostAsync("/api/v1/auth/login", content);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("malformed at $.password (line 1", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_is_named_without_dotnet_type_names()
    {
        using var client = _app.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { username = 5, password = "x" });

        var detail = (await ProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("detail").GetString()!;
        Assert.Contains("$.username", detail, StringComparison.Ordinal);
        Assert.Contains("wrong JSON type", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_body_and_a_body_that_is_not_json_are_explained()
    {
        using var client = _app.CreateClient();
        using var empty = new StringContent("", Encoding.UTF8, "application/json");
        using var none = await client.PostAsync("/api/v1/auth/login", empty);
        Assert.Contains("JSON", (await ProblemAsync(none, HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var text = new StringContent("username=admin", Encoding.UTF8, "text/plain");
        using var plain = await client.PostAsync("/api/v1/auth/login", text);
        Assert.Contains("Content-Type: application/json", (await ProblemAsync(plain, HttpStatusCode.UnsupportedMediaType)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_query_parameter_of_the_wrong_format_is_named_with_what_it_must_be()
    {
        using var viewer = _app.ClientWithKey(_app.CreateKey(ApiKeyScopes.Viewer));
        using var response = await viewer.GetAsync("/api/v1/calls?limit=lots");

        var detail = (await ProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("detail").GetString();
        Assert.Equal("'limit' must be a whole number (got 'lots').", detail);
    }

    [Fact]
    public async Task Damaged_utf8_in_a_session_endpoint_body_is_a_400_not_a_500()
    {
        using var client = _app.CreateClient();
        using var content = new ByteArrayContent([.. "{\"username\":\"a"u8, 0xFF, .. "\",\"password\":\"b\"}"u8]);
        content.Headers.ContentType = new("application/json");
        using var response = await client.PostAsync("/api/v1/auth/login", content);

        await ProblemAsync(response, HttpStatusCode.BadRequest);
    }
}
