namespace Switchboard.Bench;

/// <summary>Latency samples in milliseconds and their percentiles.</summary>
internal sealed class Percentiles
{
    private readonly List<double> _samples = [];
    private readonly Lock _gate = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _samples.Count;
            }
        }
    }

    public void Add(double milliseconds)
    {
        lock (_gate)
        {
            _samples.Add(milliseconds);
        }
    }

    public double At(double percentile)
    {
        lock (_gate)
        {
            if (_samples.Count == 0)
            {
                return double.NaN;
            }

            _samples.Sort();
            var index = (int)Math.Ceiling(percentile / 100 * _samples.Count) - 1;
            return _samples[Math.Clamp(index, 0, _samples.Count - 1)];
        }
    }
}
