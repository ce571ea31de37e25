using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Switchboard.Server.Insights;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Unit.Insights;

/// <summary>The model classifier against a local chat-completions double, and its fallback to the embedded default.</summary>
public sealed class ChatSentimentClassifierTests : IAsyncLifetime
{
    private ChatCompletionsDouble _model = null!;

    public async Task InitializeAsync() => _model = await ChatCompletionsDouble.StartAsync();

    public async Task DisposeAsync() => await _model.DisposeAsync();

    private ChatSentimentClassifier Classifier(int timeoutMilliseconds = 5000) => new(
        Options.Create(new InsightsOptions
        {
            Llm = new LlmClassifierOptions { Enabled = true, BaseUrl = _model.BaseUrl, Model = "sentiment-test", TimeoutMilliseconds = timeoutMilliseconds },
        }),
        new EmbeddedClassifier(new ServiceSentiment()),
        NullLogger<ChatSentimentClassifier>.Instance);

    [Fact]
    public async Task The_models_answer_is_used_when_it_comes_in_time()
    {
        _model.Content = """{"label":"negative","score":-0.8}""";
        using var classifier = Classifier();

        var result = await classifier.ClassifyAsync("The book was good.", CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(new SentimentResult("negative", -0.8, "sentiment-test"), result);
        var request = Assert.Single(_model.Requests).RootElement;
        Assert.Equal("sentiment-test", request.GetProperty("model").GetString());
        Assert.Equal("The book was good.", request.GetProperty("messages")[1].GetProperty("content").GetString());
    }

    [Fact]
    public async Task A_model_slower_than_the_timeout_is_replaced_by_the_embedded_default()
    {
        _model.Delay = TimeSpan.FromSeconds(20);
        using var classifier = Classifier(timeoutMilliseconds: 100);

        var result = await classifier.ClassifyAsync("The book was good.", CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(new SentimentResult("positive", 0.4404, EmbeddedClassifier.ModelName), result);
    }

    [Fact]
    public async Task A_failing_model_is_replaced_by_the_embedded_default()
    {
        _model.Status = 500;
        using var classifier = Classifier();

        var result = await classifier.ClassifyAsync("The book was not good.", CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(new EmbeddedClassifier(new ServiceSentiment()).Classify("The book was not good."), result);
        Assert.Equal(new SentimentResult("negative", -0.6604, "switchboard-service-1"), result);
        Assert.Single(_model.Requests); // no retries
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("""{"label":"angry"}""")]
    public async Task An_answer_that_is_not_the_JSON_asked_for_is_replaced_by_the_embedded_default(string content)
    {
        _model.Content = content;
        using var classifier = Classifier();

        var result = await classifier.ClassifyAsync("The book was good.", CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(EmbeddedClassifier.ModelName, result.Model);
    }
}
