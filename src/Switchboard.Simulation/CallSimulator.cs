using System.Collections.Concurrent;
using Switchboard.Sdk;

namespace Switchboard.Simulation;

/// <summary>
/// Runs synthetic calls through the SDK: starts calls at the configured rate (Poisson arrivals)
/// while fewer than the configured number run, until the call count or duration is reached.
/// </summary>
public sealed class CallSimulator
{
    private readonly SimulationOptions _options;
    private readonly IReadOnlyList<Scenario> _scenarios;
    private readonly IReadOnlyList<SwitchboardClient> _clients;
    private readonly TimeProvider _clock;

    /// <summary>Creates a simulator.</summary>
    /// <param name="options">How to run; validated here.</param>
    /// <param name="scenarios">The scenarios to draw from (filtered by <see cref="SimulationOptions.ScenarioIds"/>).</param>
    /// <param name="clients">The SDK clients (agent processes) the calls are spread over.</param>
    /// <param name="clock">The clock, system by default.</param>
    public CallSimulator(SimulationOptions options, IReadOnlyList<Scenario> scenarios, IReadOnlyList<SwitchboardClient> clients, TimeProvider? clock = null)
    {
        var errors = options.Validate().ToList();
        var chosen = options.ScenarioIds.Count == 0 ? scenarios : [.. scenarios.Where(s => options.ScenarioIds.Contains(s.Id))];
        if (chosen.Count == 0)
        {
            errors.Add($"no scenario matches; known: {string.Join(", ", scenarios.Select(s => s.Id))}");
        }

        if (clients.Count == 0)
        {
            errors.Add("at least one SDK client is needed");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid simulation: " + string.Join("; ", errors), nameof(options));
        }

        _options = options;
        _scenarios = chosen;
        _clients = clients;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>The live counters.</summary>
    public SimulationStats Stats { get; } = new();

    /// <summary>The id of the call with this index.</summary>
    public string CallId(int index) => $"SIM-{_options.RunId}-{index:D5}";

    /// <summary>Runs until the call count or duration is reached (then waits for running calls) or until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var arrivals = new Random(_options.Seed);
        var started = _clock.GetTimestamp();
        var running = new ConcurrentDictionary<int, Task>();
        using var slots = new SemaphoreSlim(_options.Concurrency);
        var index = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested
                && (_options.TotalCalls == 0 || index < _options.TotalCalls)
                && (_options.Duration is not { } duration || _clock.GetElapsedTime(started) < duration))
            {
                await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                var i = index++;
                running[i] = RunCallAsync(i, slots, running, cancellationToken);
                var gap = -Math.Log(1 - arrivals.NextDouble()) / _options.CallsPerSecond * _options.TimeScale;
                if (gap >= 0.001)
                {
                    await Task.Delay(TimeSpan.FromSeconds(gap), _clock, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        await Task.WhenAll(running.Values).ConfigureAwait(false);
    }

    private async Task RunCallAsync(int index, SemaphoreSlim slots, ConcurrentDictionary<int, Task> running, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            // Each call has its own generator derived from the seed, so calls do not depend on scheduling.
            var random = new Random(unchecked((_options.Seed * 1_000_003) + index));
            var script = CallScript.Draw(index, random, _scenarios, _options);
            var client = _clients[index % _clients.Count];
            var call = client.OpenCall(CallId(index));
            Stats.OnStarted();
            await new SimulatedCall(call, script, random, _options, _clock, Stats).RunAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
            running.TryRemove(index, out _);
        }
    }
}
