using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Server.Identity;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration;

/// <summary>What an admin reads when a request is refused: a sentence saying what to fix, never .NET's text.</summary>
public sealed class AdminProblemTests : IAsyncLifetime
{
    private readonly SwitchboardApp _app = new();
    private HttpClient _admin = null!;

    public async Task InitializeAsync() => _admin = await _app.SignInAsync(Roles.Admin, "root");

    public Task DisposeAsync()
    {
        _admin.Dispose();
        _app.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_null_among_a_users_skills_is_left_out_rather_than_failing_the_request()
    {
        using var created = await _admin.PostAsJsonAsync("/api/v1/admin/users", new { username = "skilled", role = "supervisor", skills = new[] { null, "Sales" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var user = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["sales"], user.GetProperty("user").GetProperty("skills").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task Refused_account_and_key_fields_are_explained_without_parameter_names()
    {
        _app.CreateUser(Roles.Viewer, "taken");
        var id = (await _app.Services.GetRequiredService<UserStore>().FindByNameAsync("taken", CancellationToken.None))!.Id;
        var cases = new (Func<Task<HttpResponseMessage>> Send, string Field, string Detail)[]
        {
            (() => _admin.PostAsJsonAsync("/api/v1/admin/users", new { username = "has space", role = "viewer" }), "username", "The username must be 1 to 64 characters without spaces."),
            (() => _admin.PostAsJsonAsync("/api/v1/admin/users", new { username = "taken", role = "viewer" }), "username", "The username 'taken' is taken; choose another."),
            (() => _admin.PostAsJsonAsync("/api/v1/admin/users", new { username = "someone", role = "boss" }), "role", "Unknown role 'boss'; use one of: viewer, supervisor, admin."),
            (() => _admin.PatchAsJsonAsync($"/api/v1/admin/users/{id}", new { role = "boss" }), "role", "Unknown role 'boss'; use one of: viewer, supervisor, admin."),
            (() => _admin.PostAsJsonAsync("/api/v1/admin/keys", new { name = "tv", scope = "everything" }), "scope", "Unknown scope 'everything'; use one of: agent, viewer."),
            (() => _admin.PostAsJsonAsync("/api/v1/admin/keys", new { name = "", scope = "viewer" }), "name", "The key needs a name of 1 to 100 characters."),
        };

        foreach (var (send, field, detail) in cases)
        {
            using var response = await send();
            var text = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.DoesNotContain("Parameter", text, StringComparison.Ordinal);
            using var problem = JsonDocument.Parse(text);
            Assert.Equal(detail, problem.RootElement.GetProperty("detail").GetString());
            Assert.Equal(detail, problem.RootElement.GetProperty("errors").GetProperty(field)[0].GetString());
        }
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_refused_without_the_parser_s_text()
    {
        foreach (var body in new[] { "{\"username\": ", "{\"username\": 5}" })
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await _admin.PostAsync("/api/v1/admin/users", content);
            var text = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.DoesNotContain("System.", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Parameter", text, StringComparison.Ordinal);
            var problem = JsonDocument.Parse(text).RootElement;
            Assert.Equal("The body is not valid JSON of the expected shape", problem.GetProperty("title").GetString());
            Assert.Contains("$.username", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_review_step_the_entry_does_not_allow_is_explained()
    {
        using var supervisor = await _app.SignInAsync(Roles.Supervisor, "sam");
        var first = await CreateEntryAsync(supervisor, "Is there parking?");
        var second = await CreateEntryAsync(supervisor, "Where do I park?");
        Assert.Equal(HttpStatusCode.OK, (await supervisor.PostAsJsonAsync($"/api/v1/kb/{second}/merge", new { into = first })).StatusCode);

        using var approve = await supervisor.PostAsync($"/api/v1/kb/{second}/approve", null);
        Assert.Equal(HttpStatusCode.Conflict, approve.StatusCode);
        var problem = await approve.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("A merged entry cannot be approved; approve the entry it was merged into.", problem.GetProperty("detail").GetString());
    }

    private static async Task<long> CreateEntryAsync(HttpClient client, string question)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/kb", new { question, answer = "Behind the salon.", topic = "salon" });
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }
}
