using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Switchboard.Sdk.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Switchboard.Sdk.Benchmarks.ReportBenchmarks).Assembly).Run(args);
