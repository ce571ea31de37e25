namespace Switchboard.Server.Tests.Infrastructure;

/// <summary>What code allocates once the runtime has finished optimising it.</summary>
public static class Allocations
{
    /// <summary>
    /// The collection of allocation tests, run with no other test beside them: while other tests
    /// keep the JIT busy, it puts off optimising the code measured.
    /// </summary>
    public const string Collection = "allocations";

    /// <summary>
    /// Bytes allocated per call in the steady state. Until the tiered JIT has promoted them, library
    /// methods run unoptimised code that may box what optimised code does not, so batches of calls
    /// are measured until one allocates nothing (or the attempts run out).
    /// </summary>
    public static long PerCallInSteadyState(Action call)
    {
        const int Batch = 1000;
        long bytes = 0;
        for (var attempt = 0; attempt < 60; attempt++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < Batch; i++)
            {
                call();
            }

            bytes = GC.GetAllocatedBytesForCurrentThread() - before;
            if (bytes == 0)
            {
                return 0;
            }

            Thread.Sleep(50);
        }

        return bytes / Batch;
    }
}

/// <summary>Runs the <see cref="Allocations.Collection"/> tests alone.</summary>
[CollectionDefinition(Allocations.Collection, DisableParallelization = true)]
public sealed class AllocationsCollection;
