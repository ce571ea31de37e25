namespace Switchboard.Server.Outbound;

/// <summary>
/// The circuit of one endpoint (URL): after <c>Outbound:CircuitFailures</c> consecutive failures
/// nothing is sent to it for <c>Outbound:CircuitCooldownSeconds</c>; then one attempt (the probe)
/// is let through, and its outcome closes the circuit or opens it again.
/// </summary>
public sealed class EndpointCircuit(int failuresToOpen, TimeSpan cooldown, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private int _failures;
    private DateTimeOffset? _openUntil;
    private DateTimeOffset? _probing;

    /// <summary>Until when the circuit is open (null when closed).</summary>
    public DateTimeOffset? OpenUntil
    {
        get
        {
            lock (_gate)
            {
                return _openUntil;
            }
        }
    }

    /// <summary>True when an attempt may go now; otherwise <paramref name="wait"/> says how long until asking again.</summary>
    public bool TryEnter(out TimeSpan wait)
    {
        lock (_gate)
        {
            wait = TimeSpan.Zero;
            if (_openUntil is null)
            {
                return true;
            }

            var now = clock.GetUtcNow();
            if (now < _openUntil)
            {
                wait = _openUntil.Value - now;
                return false;
            }

            // A probe that never reported (its delivery was stopped) does not hold the circuit shut.
            if (_probing is { } since && now - since < cooldown)
            {
                wait = TimeSpan.FromMilliseconds(200);
                return false;
            }

            _probing = now;
            return true;
        }
    }

    /// <summary>An attempt succeeded: the circuit closes.</summary>
    public void Succeeded()
    {
        lock (_gate)
        {
            _failures = 0;
            _openUntil = null;
            _probing = null;
        }
    }

    /// <summary>An attempt failed: a failed probe, or the last of too many failures, opens the circuit.</summary>
    public void Failed()
    {
        lock (_gate)
        {
            _failures++;
            if (_probing is not null || _failures >= failuresToOpen)
            {
                _openUntil = clock.GetUtcNow() + cooldown;
            }

            _probing = null;
        }
    }
}
