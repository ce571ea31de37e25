using System.Diagnostics;
using System.Globalization;

namespace Switchboard.Bench.Redaction;

/// <summary>Runs an operation over items in a loop on the current thread and reports its cost.</summary>
internal static class Measure
{
    public static void Report<T>(string name, IReadOnlyList<T> items, Func<T, bool> operation, TimeSpan budget)
    {
        var sink = 0;
        for (var pass = 0; pass < 2; pass++)
        {
            // Two warm-ups with a pause between, so the tiered JIT has promoted what runs.
            foreach (var item in items)
            {
                sink += operation(item) ? 1 : 0;
            }

            Thread.Sleep(300);
        }

        var done = 0L;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < budget)
        {
            foreach (var item in items)
            {
                sink += operation(item) ? 1 : 0;
            }

            done += items.Count;
        }

        stopwatch.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        var nanoseconds = stopwatch.Elapsed.TotalNanoseconds / done;
        var cpuNanoseconds = cpu.TotalNanoseconds / done;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  {name,-58} {cpuNanoseconds,7:N0} ns CPU {nanoseconds,7:N0} ns wall {1e9 / cpuNanoseconds,12:N0}/s of CPU {allocated / (double)done,8:N1} B  {sink / (double)(done + (2 * items.Count)),6:P1}"));
    }
}
