using Switchboard.Server.Insights;

namespace Switchboard.Server.Tests.Unit.Insights;

public sealed class CallerPhrasesTests
{
    [Theory]
    [InlineData("Can I speak to a manager please", true)]
    [InlineData("I want a real person.", true)]
    [InlineData("Let me talk to someone", true)]
    [InlineData("Get me your supervisor!", true)]
    [InlineData("My order hasn't arrived", false)]
    [InlineData("I'd like to change my address", false)]
    public void Asking_for_a_human(string text, bool asks) => Assert.Equal(asks, CallerPhrases.AsksForHuman(text));

    [Theory]
    [InlineData("I want to cancel my subscription", true)]
    [InlineData("Please close my account", true)]
    [InlineData("Cancellation, now.", true)]
    [InlineData("Can you check my balance", false)]
    public void Asking_to_cancel(string text, bool asks) => Assert.Equal(asks, CallerPhrases.AsksToCancel(text));

    [Theory]
    [InlineData("I already told you my order number", "I told you my order number already!", true)]
    [InlineData("Where is my refund", "where is my refund?", true)]
    [InlineData("Where is my refund", "Can I change my delivery address", false)]
    [InlineData("yes yes", "yes yes", false)]
    public void Repeating_oneself(string text, string earlier, bool repeats) => Assert.Equal(repeats, CallerPhrases.Repeats(text, earlier));
}
