using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Switchboard.Server.Storage;

/// <summary>
/// How a connection waits for another one's write lock. The bundled SQLite build sleeps with
/// <c>sleep()</c>, in whole seconds, so its own busy timeout turns any wait for a lock into at
/// least a second (seen here as commits "written in 1001 ms" whenever an escalation or audit write
/// overlapped the event writer). This handler retries after a yield, then after 1 ms sleeps, for up
/// to <see cref="Timeout"/>, so a lock held for a millisecond costs about a millisecond.
/// </summary>
internal static class SqliteBusyWait
{
    /// <summary>How long a connection waits for a lock before the statement fails with SQLITE_BUSY.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>Retries that only yield the thread before the 1 ms sleeps begin.</summary>
    public const int YieldingRetries = 10;

    private static long s_retries;

    // Rooted for the life of the process: SQLite keeps the function pointer.
    private static readonly BusyCallback Callback = OnBusy;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int BusyCallback(IntPtr argument, int retries);

    /// <summary>Times any connection of this process retried for a lock another one held (for metrics).</summary>
    public static long Retries => Interlocked.Read(ref s_retries);

    /// <summary>Replaces the connection's busy handler (and any <c>busy_timeout</c>).</summary>
    public static void Install(SqliteConnection connection)
    {
        var result = NativeMethods.sqlite3_busy_handler(connection.Handle!.DangerousGetHandle(), Callback, IntPtr.Zero);
        if (result != 0)
        {
            throw new InvalidOperationException($"sqlite3_busy_handler failed with code {result}.");
        }
    }

    private static int OnBusy(IntPtr argument, int retries)
    {
        Interlocked.Increment(ref s_retries);
        if (retries < YieldingRetries)
        {
            Thread.Yield();
            return 1;
        }

        // Thread.Sleep(1) takes about a millisecond on Linux: the retry count bounds the wait.
        if (retries - YieldingRetries >= Timeout.TotalMilliseconds)
        {
            return 0;
        }

        Thread.Sleep(1);
        return 1;
    }

    private static class NativeMethods
    {
        // The same native library that SQLitePCLRaw's bundle loads for Microsoft.Data.Sqlite.
        [DllImport("e_sqlite3", CallingConvention = CallingConvention.Cdecl)]
        public static extern int sqlite3_busy_handler(IntPtr db, BusyCallback callback, IntPtr argument);
    }
}
