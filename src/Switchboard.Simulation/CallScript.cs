namespace Switchboard.Simulation;

/// <summary>The random decisions of one call, drawn up front from its seed.</summary>
internal sealed record CallScript(int Index, Scenario Scenario, bool Frustrated, int HangupAtStep, int CrashAtStep, bool Escalates, string CallerNumber, string CallerName)
{
    private static readonly string[] Names = ["Ann Lee", "Bob Diaz", "Chen Wei", "Dana Kim", "Eli Novak", "Fatima Khan", "Gus Olsen", "Hana Sato", "Ivan Petrov", "Julia Costa"];

    public static CallScript Draw(int index, Random random, IReadOnlyList<Scenario> scenarios, SimulationOptions options)
    {
        var scenario = Pick(random, scenarios, s => s.Weight);
        var steps = Math.Max(3, scenario.Steps.Count);
        var crash = random.NextDouble() < (options.CrashShare ?? scenario.CrashShare);
        var hangup = !crash && random.NextDouble() < (options.HangupShare ?? scenario.HangupShare);
        return new CallScript(
            index,
            scenario,
            Frustrated: random.NextDouble() < scenario.FrustratedShare,
            HangupAtStep: hangup ? random.Next(2, steps) : int.MaxValue,
            CrashAtStep: crash ? random.Next(1, steps) : int.MaxValue,
            Escalates: random.NextDouble() < scenario.EscalationShare,
            CallerNumber: "+1555" + random.Next(1_000_000, 9_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture),
            CallerName: Names[random.Next(Names.Length)]);
    }

    public static T Pick<T>(Random random, IReadOnlyList<T> items, Func<T, double> weight)
    {
        var total = items.Sum(weight);
        var x = random.NextDouble() * total;
        foreach (var item in items)
        {
            x -= weight(item);
            if (x < 0)
            {
                return item;
            }
        }

        return items[^1];
    }
}
