using Switchboard.Server.Knowledge;

namespace Switchboard.Server.Tests.Unit;

public sealed class QuestionSimilarityTests
{
    [Theory]
    [InlineData("What are your opening hours on Sunday?", "What are the opening hours on Sundays?")]
    [InlineData("Can I bring my dog?", "can i bring my dog")]
    [InlineData("Do you take credit cards?", "Do you take credit card?")]
    public void Rewordings_of_one_question_are_near_duplicates(string a, string b) =>
        Assert.True(QuestionSimilarity.Similarity(a, b) >= QuestionSimilarity.DuplicateThreshold);

    [Theory]
    [InlineData("Is there parking?", "Do you sell gift cards?")]
    [InlineData("Question number 5?", "Question number 6?")]
    [InlineData("Can I cancel my booking?", "Can I change my booking?")]
    public void Different_questions_are_not(string a, string b) =>
        Assert.True(QuestionSimilarity.Similarity(a, b) < QuestionSimilarity.DuplicateThreshold);

    [Fact]
    public void Function_words_alone_are_not_content() => Assert.Empty(QuestionSimilarity.Words("What is it that you do?"));
}
