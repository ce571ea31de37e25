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
    public void An_entry_that_answers_the_question_matches_it_and_one_sharing_a_single_word_does_not()
    {
        const string Asked = "The caller's router drops the connection every day; can we replace it?";
        var related = QuestionSimilarity.Match(Asked, "Can we replace a router that keeps dropping the connection?", "Yes, send a replacement router.");
        var unrelated = QuestionSimilarity.Match(Asked, "How many vacation days do new employees get?", "New employees get 25 vacation days a year.");
        Assert.InRange(related, 0.5, 1);
        Assert.InRange(unrelated, 0, 0.2);
        Assert.Equal(1, QuestionSimilarity.Match("Is there parking?", "Is there parking?", "Yes."));
        Assert.Equal(0, QuestionSimilarity.Match("What is it?", "Is there parking?", "Yes."));
    }

    [Fact]
    public void Function_words_alone_are_not_content() => Assert.Empty(QuestionSimilarity.Words("What is it that you do?"));
}
