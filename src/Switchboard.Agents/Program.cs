using Microsoft.Extensions.Logging;
using Switchboard.Agents;
using Switchboard.Agents.Console;
using Switchboard.Agents.Runtime;
using Switchboard.Sdk;
using Switchboard.Simulation;

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine("switchboard-agent console …    talk to a reference agent (an LLM) as its caller, live in Switchboard");
    Console.WriteLine("switchboard-agent personas     list the built-in persona sets");
    Console.WriteLine("switchboard-agent simulate …   run synthetic calls against Switchboard through the SDK");
    Console.WriteLine("switchboard-agent scenarios    list the built-in scenarios");
    Console.WriteLine();
    Console.WriteLine(ConsoleArguments.Usage);
    Console.WriteLine();
    Console.WriteLine(SimulateArguments.Usage);
    return 0;
}

if (args[0] == "personas")
{
    foreach (var set in PersonaSet.BuiltIn())
    {
        Console.WriteLine($"{set.Id,-16} {set.Title} — {string.Join(", ", set.Personas.Values.Select(p => p.Name))}");
    }

    return 0;
}

if (args[0] == "console")
{
    ConsoleArguments console;
    try
    {
        console = ConsoleArguments.Parse(args, Environment.GetEnvironmentVariable);
        _ = PersonaSet.Load(console.Persona);
    }
    catch (ArgumentException ex)
    {
        Console.Error.WriteLine(ex.Message);
        Console.Error.WriteLine(ConsoleArguments.Usage);
        return 2;
    }

    using var hangUp = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        hangUp.Cancel();
    };
    try
    {
        return await ConsoleMode.RunAsync(console, Console.In, Console.Out, hangUp.Token);
    }
    catch (OperationCanceledException)
    {
        return 0;
    }
}

if (args[0] == "scenarios")
{
    foreach (var s in ScenarioLibrary.BuiltIn())
    {
        Console.WriteLine($"{s.Id,-22} weight {s.Weight,-4} {s.Title}");
    }

    return 0;
}

if (args[0] != "simulate")
{
    Console.Error.WriteLine($"unknown command '{args[0]}'; try --help");
    return 2;
}

SimulateArguments parsed;
IReadOnlyList<Scenario> scenarios;
try
{
    parsed = SimulateArguments.Parse(args);
    scenarios = parsed.ScenarioDirectory is { } dir ? ScenarioLibrary.FromDirectory(dir) : ScenarioLibrary.BuiltIn();
}
catch (Exception ex) when (ex is ArgumentException or FormatException or IOException)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(SimulateArguments.Usage);
    return 2;
}

using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
var clients = Enumerable.Range(0, parsed.Connections)
    .Select(_ => new SwitchboardClient(new SwitchboardClientOptions { ServerUrl = parsed.Server, ApiKey = parsed.ApiKey }, loggers))
    .ToList();
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

var simulator = new CallSimulator(parsed.Simulation, scenarios, clients);
Console.WriteLine($"simulating against {parsed.Server} with {clients.Count} connection(s), seed {parsed.Simulation.Seed}, run {parsed.Simulation.RunId}; Ctrl+C stops");
var run = simulator.RunAsync(stop.Token);
while (await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(5))) != run)
{
    var acked = clients.Sum(c => c.Statistics.Acknowledged);
    var dropped = clients.Sum(c => c.Statistics.DroppedDurable + c.Statistics.DroppedEphemeral);
    Console.WriteLine($"{DateTime.Now:HH:mm:ss} {simulator.Stats}; events acknowledged {acked}, dropped {dropped}");
}

await run;
foreach (var client in clients)
{
    await client.DisposeAsync();
}

Console.WriteLine($"done: {simulator.Stats}");
return 0;
