using Switchboard.Agents.Runtime;

namespace Switchboard.Agents.Tests.Runtime;

public sealed class PersonaSetTests
{
    [Fact]
    public void The_built_in_sets_load_with_their_personas_tools_and_plans()
    {
        var sets = PersonaSet.BuiltIn().ToDictionary(s => s.Id);
        Assert.Equal(["contact-centre", "interviewer", "salon"], sets.Keys.Order());
        Assert.Equal(["billing", "greeter", "sales", "support"], sets["contact-centre"].Personas.Keys.Order());
        Assert.Equal(["billing", "sales", "support"], sets["contact-centre"].StartPersona.Handoffs.Order());
        Assert.Equal(4, sets["interviewer"].Interview!.Questions.Count);
        Assert.All(sets.Values, s => Assert.NotEmpty(s.DemoCaller));
    }

    [Fact]
    public void A_broken_set_is_refused_with_every_problem_named()
    {
        var error = Assert.Throws<ArgumentException>(() => PersonaSet.Parse("""
            start: front
            personas:
              desk:
                tools: [handoff, teleport]
                handoffs: [nowhere]
            """, "broken"));
        Assert.Contains("'start' must name a persona (desk), not 'front'.", error.Message, StringComparison.Ordinal);
        Assert.Contains("personas.desk.instructions is required.", error.Message, StringComparison.Ordinal);
        Assert.Contains("'teleport' is not a tool", error.Message, StringComparison.Ordinal);
        Assert.Contains("'nowhere' is not another persona of this set.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_yaml_and_unknown_sets_say_what_to_fix()
    {
        Assert.Contains("Persona set 'bad':", Assert.Throws<ArgumentException>(() => PersonaSet.Parse("personas: [unclosed", "bad")).Message, StringComparison.Ordinal);
        Assert.Contains("use one of contact-centre, interviewer, salon", Assert.Throws<ArgumentException>(() => PersonaSet.Load("nope")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_scorecard_keeps_only_the_candidate_s_own_words_and_refuses_a_missing_criterion()
    {
        var plan = PersonaSet.Load("interviewer").Interview!;
        var conversation = new List<Microsoft.Extensions.AI.ChatMessage> { new(Microsoft.Extensions.AI.ChatRole.User, "I led a team of five, and I stayed calm.") };
        var card = InterviewScoring.Check(plan, """
            ```json
            {"criteria":[{"id":"communication","score":5,"evidence":["I stayed calm","I am the best"]},{"id":"empathy","score":1},{"id":"experience","score":3},{"id":"availability","score":5}],"recommendation":"maybe"}
            ```
            """, conversation, "m");
        Assert.Equal(["I stayed calm"], card.Criteria[0].Evidence);
        Assert.Equal(1, card.QuotesDropped);
        Assert.Equal(54.2, card.Overall);
        Assert.Equal("hold", card.Recommendation);
        var missing = Assert.Throws<InvalidDataException>(() => InterviewScoring.Check(plan, """{"criteria":[{"id":"communication","score":9}]}""", conversation, "m"));
        Assert.Contains("'communication' needs a whole score from 1 to 5", missing.Message, StringComparison.Ordinal);
        Assert.Contains("'empathy' is not scored", missing.Message, StringComparison.Ordinal);
    }
}
