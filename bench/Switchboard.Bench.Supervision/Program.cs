using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Switchboard.Bench;
using Switchboard.Bench.Supervision;
using Switchboard.Contracts.Events;
using Switchboard.Testing;

// Supervision benchmark: from a supervisor's answer request (POST /api/v1/escalations/{id}/answer)
// to the agent receiving the escalation.answer command on its WebSocket, over loopback, against the
// server as a separate process.
// Usage: dotnet run -c Release --project bench/Switchboard.Bench.Supervision [-- --answers 1000]
var answers = args.Length > 1 && args[0] == "--answers" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000;
const int WarmUp = 100;
using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(10));
var ct = cts.Token;
var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
var serverDll = ServerProcess.ServerDll;
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, build {configuration}");

using var server = await SupervisedServer.StartAsync(serverDll, Path.Combine(Path.GetTempPath(), "switchboard-bench-sup-" + Guid.NewGuid().ToString("N")[..8]), ct);
const string NewPassword = "benchmark admin password";
using (var admin = await SupervisorSession.SignInAsync(server.BaseAddress, "admin", server.AdminPassword, ct))
{
    (await admin.Http.PostAsJsonAsync("/api/v1/auth/password", new { currentPassword = server.AdminPassword, newPassword = NewPassword }, ct)).EnsureSuccessStatusCode();
}

using (var admin = await SupervisorSession.SignInAsync(server.BaseAddress, "admin", NewPassword, ct))
{
    (await admin.Http.PostAsJsonAsync("/api/v1/admin/users", new { username = "sam", password = "supervisor password", role = "supervisor", skills = new[] { "*" } }, ct)).EnsureSuccessStatusCode();
}

using var sam = await SupervisorSession.SignInAsync(server.BaseAddress, "sam", "supervisor password", ct);
await sam.OpenQueueAsync(ct);
await using var agent = await EscalatingAgent.ConnectAsync(server.BaseAddress, server.AgentKey, ct);
var callId = "BENCH_" + Guid.NewGuid().ToString("N")[..8];
await agent.SendAsync(ct, Event(callId, EventTypes.CallStarted, new { agentName = "bench", direction = "inbound" }));

var receipt = new Percentiles();
var roundTrip = new Percentiles();
for (var i = 0; i < WarmUp + answers; i++)
{
    var requestId = "q" + i;
    await agent.SendAsync(ct, Event(callId, EventTypes.EscalationRequested, new { requestId, question = $"Question number {i}?", topic = "billing", timeoutMs = 60_000 }));
    var id = await sam.QueuedAsync(requestId).WaitAsync(TimeSpan.FromSeconds(30), ct);
    var arrival = agent.AnswerArrival(requestId);
    var started = Stopwatch.GetTimestamp();
    using var response = await sam.Http.PostAsJsonAsync($"/api/v1/escalations/{id}/answer", new { answer = $"Answer number {i}." }, ct);
    var answered = Stopwatch.GetTimestamp();
    response.EnsureSuccessStatusCode();
    var arrived = await arrival.WaitAsync(TimeSpan.FromSeconds(30), ct);
    if (i >= WarmUp)
    {
        receipt.Add(Stopwatch.GetElapsedTime(started, arrived).TotalMilliseconds);
        roundTrip.Add(Stopwatch.GetElapsedTime(started, answered).TotalMilliseconds);
    }
}

Console.WriteLine($"supervisor answer -> agent receipt ({receipt.Count:N0} answers after {WarmUp} warm-up, one at a time, loopback): p50 {receipt.At(50):N2} ms, p99 {receipt.At(99):N2} ms, max {receipt.At(100):N2} ms");
Console.WriteLine($"  answer request round trip (command pushed, events committed, knowledge-base entry written): p50 {roundTrip.At(50):N2} ms, p99 {roundTrip.At(99):N2} ms");

static EventEnvelope Event(string callId, string type, object data) => new()
{
    Id = Guid.NewGuid().ToString("N"),
    CallId = callId,
    Type = type,
    At = DateTimeOffset.UtcNow,
    Data = JsonSerializer.SerializeToElement(data, ContractJson.Options),
};
