namespace Switchboard.Server.Archive;

/// <summary>
/// Counts of values in logarithmic buckets 8 % wide, so that histograms of many calls add up and
/// a percentile of them is read back within 8 % (the bucket's upper bound is reported). Bucket
/// <c>i</c> holds values in (1.08^(i-1), 1.08^i]; values of 1 or less are bucket 0.
/// </summary>
public static class Histogram
{
    private const double Growth = 1.08;

    /// <summary>The bucket of a value.</summary>
    public static int Bucket(double value) => value <= 1 ? 0 : (int)Math.Ceiling(Math.Log(value) / Math.Log(Growth) - 1e-9);

    /// <summary>The upper bound of a bucket.</summary>
    public static double UpperBound(int bucket) => Math.Round(Math.Pow(Growth, bucket), 1);

    /// <summary>The buckets of some values.</summary>
    public static SortedDictionary<int, long> Of(IEnumerable<double> values)
    {
        var counts = new SortedDictionary<int, long>();
        foreach (var value in values)
        {
            var bucket = Bucket(value);
            counts[bucket] = counts.GetValueOrDefault(bucket) + 1;
        }

        return counts;
    }

    /// <summary>Adds <paramref name="sign"/> × <paramref name="other"/> into <paramref name="into"/>, dropping buckets that fall to zero.</summary>
    public static void Add(SortedDictionary<int, long> into, IReadOnlyDictionary<int, long> other, int sign)
    {
        foreach (var (bucket, count) in other)
        {
            var next = into.GetValueOrDefault(bucket) + sign * count;
            if (next == 0)
            {
                into.Remove(bucket);
            }
            else
            {
                into[bucket] = next;
            }
        }
    }

    /// <summary>The nearest-rank percentile <paramref name="p"/> (0 … 100) as a bucket's upper bound; null when empty.</summary>
    public static double? Percentile(IReadOnlyDictionary<int, long> counts, double p)
    {
        var total = counts.Values.Sum();
        if (total <= 0)
        {
            return null;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(p / 100 * total));
        long seen = 0;
        foreach (var (bucket, count) in counts.OrderBy(c => c.Key))
        {
            seen += count;
            if (seen >= rank)
            {
                return UpperBound(bucket);
            }
        }

        return UpperBound(counts.Keys.Max());
    }
}
