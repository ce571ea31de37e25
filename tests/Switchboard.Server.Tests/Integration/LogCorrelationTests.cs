using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Switchboard.Server.Tests.Integration;

/// <summary><c>Logging:Format=json</c>: one JSON object per line, and a request's lines carry its request id, trace id and call id, as its problem answer does.</summary>
public sealed class LogCorrelationTests
{
    [Fact]
    public async Task A_bad_request_about_a_call_is_logged_as_json_with_the_call_request_and_trace_ids_of_its_problem_answer()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var data = Path.Combine(Path.GetTempPath(), "switchboard-log-tests", Guid.NewGuid().ToString("N"));
        var viewer = await ServerProcess.CreateKeyAsync(data, ServerSettings.Tests, "viewer", "logs", cts.Token);
        using var server = await ServerProcess.StartAsync(data, cts.Token, "--Logging:Format=json", "--Logging:LogLevel:Switchboard.Server.Operations.RequestExceptionHandler=Debug");
        try
        {
            using var http = new HttpClient { BaseAddress = server.BaseAddress };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", viewer);
            using var response = await http.GetAsync("/api/v1/calls/CALL_logged_1/events?after=not-a-number", cts.Token);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cts.Token)).RootElement;
            var requestId = problem.GetProperty("requestId").GetString();
            var traceId = problem.GetProperty("traceId").GetString()!.Split('-')[1];

            JsonElement line;
            while (true)
            {
                var found = server.Output.Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement)
                    .FirstOrDefault(l => l.GetProperty("EventId").GetInt32() == 8011);
                if (found.ValueKind == JsonValueKind.Object)
                {
                    line = found;
                    break;
                }

                await Task.Delay(50, cts.Token);
            }

            Assert.Equal("Debug", line.GetProperty("LogLevel").GetString());
            var scopes = line.GetProperty("Scopes").EnumerateArray().ToList();
            string? Scope(string name) => scopes.Where(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty(name, out _)).Select(s => s.GetProperty(name).ToString()).FirstOrDefault();
            Assert.Equal(("CALL_logged_1", requestId, traceId), (Scope("CallId"), Scope("RequestId"), Scope("TraceId")));
        }
        finally
        {
            server.Dispose();
            ServerProcess.DeleteDataDirectory(data);
        }
    }

    [Fact]
    public async Task An_unknown_log_format_stops_the_start_with_what_to_set()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var data = Path.Combine(Path.GetTempPath(), "switchboard-log-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var (exit, _, error) = await ServerProcess.RunCommandAsync(data, cts.Token, "--Logging:Format=xml");
            Assert.NotEqual(0, exit);
            Assert.Contains("Logging:Format must be 'simple' or 'json', not 'xml'.", error, StringComparison.Ordinal);
        }
        finally
        {
            ServerProcess.DeleteDataDirectory(data);
        }
    }
}
