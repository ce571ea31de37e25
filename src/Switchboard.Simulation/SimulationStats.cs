namespace Switchboard.Simulation;

/// <summary>Counters of a running simulation (thread-safe).</summary>
public sealed class SimulationStats
{
    private long _started;
    private long _finished;
    private long _hungUp;
    private long _crashed;
    private long _escalations;
    private long _commands;

    /// <summary>Calls started.</summary>
    public long Started => Interlocked.Read(ref _started);

    /// <summary>Calls over (any way).</summary>
    public long Finished => Interlocked.Read(ref _finished);

    /// <summary>Calls running now.</summary>
    public long Active => Started - Finished;

    /// <summary>Calls the caller hung up.</summary>
    public long HungUp => Interlocked.Read(ref _hungUp);

    /// <summary>Calls whose agent crashed without reporting the end.</summary>
    public long Crashed => Interlocked.Read(ref _crashed);

    /// <summary>Escalations requested.</summary>
    public long Escalations => Interlocked.Read(ref _escalations);

    /// <summary>Supervisor commands applied.</summary>
    public long CommandsApplied => Interlocked.Read(ref _commands);

    internal void OnStarted() => Interlocked.Increment(ref _started);

    internal void OnFinished() => Interlocked.Increment(ref _finished);

    internal void OnHungUp() => Interlocked.Increment(ref _hungUp);

    internal void OnCrashed() => Interlocked.Increment(ref _crashed);

    internal void OnEscalation() => Interlocked.Increment(ref _escalations);

    internal void OnCommand() => Interlocked.Increment(ref _commands);

    /// <inheritdoc />
    public override string ToString() =>
        $"started {Started}, active {Active}, finished {Finished} (hung up {HungUp}, crashed {Crashed}), escalations {Escalations}, commands applied {CommandsApplied}";
}
