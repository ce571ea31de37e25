using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Switchboard.Agents.Runtime;

/// <summary>
/// One line of agents: the personas that may answer a call, which one answers first, and (for an
/// interview) the question plan. Loaded from YAML (<c>Personas/*.yaml</c>, docs/AGENTS.md).
/// </summary>
public sealed class PersonaSet
{
    /// <summary>The set's id (the file name without extension), also the call's <c>agentName</c>.</summary>
    public string Id { get; set; } = "";

    /// <summary>What the line is, for people.</summary>
    public string Title { get; set; } = "";

    /// <summary>The persona that answers the call.</summary>
    public string Start { get; set; } = "";

    /// <summary>Every persona by id.</summary>
    public Dictionary<string, Persona> Personas { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The question plan when this line is an interview.</summary>
    public InterviewPlan? Interview { get; set; }

    /// <summary>What a scripted caller says, one line a turn (the demo's calls).</summary>
    public List<string> DemoCaller { get; set; } = [];

    /// <summary>The persona answering first.</summary>
    public Persona StartPersona => Personas[Start];

    /// <summary>The personas shipped with Switchboard: salon, contact-centre, interviewer.</summary>
    public static IReadOnlyList<PersonaSet> BuiltIn()
    {
        var assembly = typeof(PersonaSet).Assembly;
        var sets = new List<PersonaSet>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("Personas/", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            sets.Add(Parse(reader.ReadToEnd(), Path.GetFileNameWithoutExtension(name)));
        }

        return sets;
    }

    /// <summary>A built-in set by id, or a YAML file by path.</summary>
    /// <exception cref="ArgumentException">Unknown id, or the file is not a valid persona set (the message says what to fix).</exception>
    public static PersonaSet Load(string idOrPath)
    {
        if (File.Exists(idOrPath))
        {
            return Parse(File.ReadAllText(idOrPath), Path.GetFileNameWithoutExtension(idOrPath));
        }

        var sets = BuiltIn();
        return sets.FirstOrDefault(s => s.Id == idOrPath)
            ?? throw new ArgumentException($"No persona set '{idOrPath}': use one of {string.Join(", ", sets.Select(s => s.Id))} or the path of a YAML file.");
    }

    /// <summary>Reads and checks a persona set.</summary>
    /// <exception cref="ArgumentException">The YAML is malformed or inconsistent; the message lists every problem.</exception>
    public static PersonaSet Parse(string yaml, string id)
    {
        PersonaSet set;
        try
        {
            set = Reader.Deserialize<PersonaSet>(yaml) ?? new PersonaSet();
        }
        catch (YamlException ex)
        {
            throw new ArgumentException($"Persona set '{id}': {ex.Message}", ex);
        }

        if (string.IsNullOrEmpty(set.Id))
        {
            set.Id = id;
        }

        foreach (var (key, persona) in set.Personas)
        {
            persona.Id = key;
            if (string.IsNullOrWhiteSpace(persona.Name))
            {
                persona.Name = key;
            }
        }

        var problems = set.Problems().ToList();
        return problems.Count == 0 ? set : throw new ArgumentException($"Persona set '{set.Id}': {string.Join(" ", problems)}");
    }

    private IEnumerable<string> Problems()
    {
        if (Personas.Count == 0)
        {
            yield return "'personas' needs at least one persona.";
        }
        else if (!Personas.ContainsKey(Start))
        {
            yield return $"'start' must name a persona ({string.Join(", ", Personas.Keys)}), not '{Start}'.";
        }

        foreach (var persona in Personas.Values)
        {
            if (string.IsNullOrWhiteSpace(persona.Instructions))
            {
                yield return $"personas.{persona.Id}.instructions is required.";
            }

            foreach (var tool in persona.Tools.Where(t => !AgentTools.Names.Contains(t)))
            {
                yield return $"personas.{persona.Id}.tools: '{tool}' is not a tool (use {string.Join(", ", AgentTools.Names)}).";
            }

            foreach (var target in persona.Handoffs.Where(t => !Personas.ContainsKey(t) || t == persona.Id))
            {
                yield return $"personas.{persona.Id}.handoffs: '{target}' is not another persona of this set.";
            }

            if (persona.Handoffs.Count > 0 && !persona.Tools.Contains(AgentTools.Handoff))
            {
                yield return $"personas.{persona.Id} names handoffs but not the '{AgentTools.Handoff}' tool.";
            }

            if (persona.Tools.Contains(AgentTools.FinishInterview) && Interview is null)
            {
                yield return $"personas.{persona.Id} uses '{AgentTools.FinishInterview}' but the set has no 'interview' plan.";
            }
        }

        if (Interview is { } plan)
        {
            if (plan.Questions.Count == 0 || plan.Questions.Any(q => string.IsNullOrWhiteSpace(q.Id) || string.IsNullOrWhiteSpace(q.Ask)))
            {
                yield return "interview.questions needs at least one question, each with 'id' and 'ask'.";
            }

            if (plan.Criteria.Count == 0 || plan.Criteria.Any(c => string.IsNullOrWhiteSpace(c.Id) || c.Weight <= 0))
            {
                yield return "interview.criteria needs at least one criterion, each with 'id' and a positive 'weight'.";
            }

            if (plan.MaxScore is < 2 or > 100)
            {
                yield return "interview.maxScore must be between 2 and 100.";
            }
        }
    }

    private static readonly IDeserializer Reader = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .Build();
}

/// <summary>One agent persona: how it behaves, what it says first, its tools and whom it may hand the caller to.</summary>
public sealed class Persona
{
    /// <summary>The persona's id in its set (the key under <c>personas</c>).</summary>
    [YamlIgnore]
    public string Id { get; set; } = "";

    /// <summary>The name shown as the call's persona and in the console.</summary>
    public string Name { get; set; } = "";

    /// <summary>The system instructions.</summary>
    public string Instructions { get; set; } = "";

    /// <summary>Said as is when the persona answers the call or takes it over in a handoff; nothing when empty.</summary>
    public string? Greeting { get; set; }

    /// <summary>Said before the caller holds for a supervisor.</summary>
    public string HoldMessage { get; set; } = "Let me check that with a colleague. Please hold for a moment.";

    /// <summary>The tools it may call (<see cref="AgentTools.Names"/>).</summary>
    public List<string> Tools { get; set; } = [];

    /// <summary>The personas it may hand the caller to.</summary>
    public List<string> Handoffs { get; set; } = [];

    /// <summary>The help-queue topic of its escalations (supervisors with this skill), or anyone.</summary>
    public string? Topic { get; set; }
}

/// <summary>A structured screening: the questions in order, with the follow-ups the model may choose, and the criteria of the scorecard.</summary>
public sealed class InterviewPlan
{
    /// <summary>The role being screened for.</summary>
    public string Role { get; set; } = "";

    /// <summary>The questions, in order.</summary>
    public List<InterviewQuestion> Questions { get; set; } = [];

    /// <summary>What the scorecard rates.</summary>
    public List<InterviewCriterion> Criteria { get; set; } = [];

    /// <summary>The top of each criterion's scale (1 … MaxScore).</summary>
    public int MaxScore { get; set; } = 5;
}

/// <summary>One question of an interview.</summary>
public sealed class InterviewQuestion
{
    /// <summary>Its id.</summary>
    public string Id { get; set; } = "";

    /// <summary>What to ask.</summary>
    public string Ask { get; set; } = "";

    /// <summary>When and how to follow up; the model decides whether the answer needs it.</summary>
    public string? FollowUp { get; set; }
}

/// <summary>One criterion of an interview's scorecard.</summary>
public sealed class InterviewCriterion
{
    /// <summary>Its id.</summary>
    public string Id { get; set; } = "";

    /// <summary>What a high score means.</summary>
    public string Description { get; set; } = "";

    /// <summary>Its weight in the overall score.</summary>
    public double Weight { get; set; } = 1;
}
