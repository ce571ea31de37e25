namespace Switchboard.Server.Latency;

/// <summary>
/// Logarithmic buckets 5 % wide whose edges fall on a stage's budget: bucket <c>i</c> holds values
/// in (budget × 1.05^(i-1), budget × 1.05^i], so bucket 0 ends exactly at the budget. A percentile
/// read back as its bucket's upper bound is never below the exact one and at most 5 % above it,
/// and it is over the budget exactly when the exact one is (unlike the archive's
/// <see cref="Archive.Histogram"/>, whose edges fall anywhere near a budget).
/// </summary>
public static class BudgetBuckets
{
    /// <summary>The lowest bucket: values up to budget × 1.05^-100 (under 1 % of the budget) fall in it.</summary>
    public const int Lowest = -100;

    /// <summary>The highest bucket: values over budget × 1.05^99 (some 125 times the budget) fall in it.</summary>
    public const int Highest = 100;

    /// <summary>Number of buckets.</summary>
    public const int Count = Highest - Lowest + 1;

    private const double Growth = 1.05;

    /// <summary>The bucket of <paramref name="ms"/> against <paramref name="budgetMs"/>, as an index from 0 to <see cref="Count"/> - 1.</summary>
    public static int IndexOf(double ms, double budgetMs)
    {
        var bucket = ms <= 0 ? Lowest : (int)Math.Ceiling(Math.Log(ms / budgetMs) / Math.Log(Growth) - 1e-9);
        return Math.Clamp(bucket, Lowest, Highest) - Lowest;
    }

    /// <summary>The bucket (…, -1, 0, 1, …) of an index: above 0 is over the budget.</summary>
    public static int BucketOf(int index) => index + Lowest;

    /// <summary>The upper bound of the bucket at <paramref name="index"/>, in ms to 0.1 (the budget itself for bucket 0).</summary>
    public static double UpperBound(int index, double budgetMs) => Math.Round(budgetMs * Math.Pow(Growth, BucketOf(index)), 1);
}
