using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Switchboard.Simulation;

/// <summary>Loads scenarios: the built-in ones, or YAML files from a directory.</summary>
public static class ScenarioLibrary
{
    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .Build();

    /// <summary>The scenarios compiled into this library (from <c>src/Switchboard.Agents/Scenarios/</c>).</summary>
    public static IReadOnlyList<Scenario> BuiltIn()
    {
        var assembly = typeof(ScenarioLibrary).Assembly;
        var scenarios = new List<Scenario>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("Scenarios/", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            scenarios.Add(Parse(reader.ReadToEnd(), name));
        }

        return scenarios;
    }

    /// <summary>Loads every <c>*.yaml</c> file of a directory.</summary>
    public static IReadOnlyList<Scenario> FromDirectory(string directory) =>
        [.. Directory.GetFiles(directory, "*.yaml").Order(StringComparer.Ordinal).Select(f => Parse(File.ReadAllText(f), f))];

    /// <summary>Parses one scenario; throws <see cref="FormatException"/> naming the source when it is unusable.</summary>
    public static Scenario Parse(string yaml, string source)
    {
        Scenario scenario;
        try
        {
            scenario = Yaml.Deserialize<Scenario>(yaml);
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            throw new FormatException($"{source}: {ex.Message}", ex);
        }

        if (string.IsNullOrWhiteSpace(scenario.Id) || scenario.Steps.Count == 0 || scenario.Weight <= 0)
        {
            throw new FormatException($"{source}: a scenario needs an id, a positive weight and at least one step.");
        }

        return scenario;
    }
}
