using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Switchboard.Contracts.Events;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration.Insights;

/// <summary>The optional model classifier wired through the app, and refusal of bad settings.</summary>
public sealed class InsightsConfigurationTests
{
    [Fact]
    public async Task With_a_model_configured_utterances_are_scored_by_it()
    {
        await using var model = await ChatCompletionsDouble.StartAsync();
        model.Content = """{"label":"negative","score":-0.9}""";
        using var app = new SwitchboardApp();
        app.Settings["Insights:Enabled"] = "true";
        app.Settings["Insights:Llm:Enabled"] = "true";
        app.Settings["Insights:Llm:BaseUrl"] = model.BaseUrl;
        app.Settings["Insights:Llm:Model"] = "sentiment-double";
        app.Settings["Insights:Llm:TimeoutMilliseconds"] = "10000";
        var agent = app.ClientWithKey(app.CreateKey("agent"));
        var viewer = app.ClientWithKey(app.CreateKey("viewer"));

        await Events.PostAsync(agent, Events.Started("SIM_m"), Events.Line("SIM_m", "l1", "The book was good."));

        var scored = await FirstScoredAsync(viewer, "SIM_m");
        Assert.Equal("sentiment-double", scored.GetProperty("model").GetString());
        Assert.Equal("negative", scored.GetProperty("label").GetString());
        Assert.Equal(-0.9, scored.GetProperty("score").GetDouble());
    }

    /// <summary>The data of the call's first <c>sentiment.scored</c>, read from its live stream (at most 30 s).</summary>
    private static async Task<JsonElement> FirstScoredAsync(HttpClient viewer, string callId)
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var stream = SseReader.ReadAsync(viewer, $"/api/v1/calls/{callId}/stream", cancellationToken: cancel.Token).GetAsyncEnumerator(cancel.Token);
        while (await stream.MoveNextAsync().AsTask().WaitAsync(cancel.Token))
        {
            if (stream.Current.Event == EventTypes.SentimentScored)
            {
                return JsonDocument.Parse(stream.Current.Data).RootElement.GetProperty("data");
            }
        }

        throw new InvalidOperationException($"The stream of {callId} ended before a sentiment.scored.");
    }

    [Fact]
    public async Task With_an_onnx_model_configured_utterances_are_scored_by_it_under_its_name()
    {
        var folder = Path.Combine(Path.GetTempPath(), "switchboard-onnx-tests", Guid.NewGuid().ToString("N"));
        try
        {
            using var app = new SwitchboardApp();
            app.Settings["Insights:Enabled"] = "true";
            app.Settings["Insights:Onnx:ModelPath"] = TinySentimentModel.WriteRoberta(folder);
            app.Settings["Insights:Onnx:Name"] = "tiny-roberta";
            for (var i = 0; i < TinySentimentModel.Outputs.Length; i++)
            {
                app.Settings[$"Insights:Onnx:Labels:{i}"] = TinySentimentModel.Outputs[i];
            }

            var agent = app.ClientWithKey(app.CreateKey("agent"));
            var viewer = app.ClientWithKey(app.CreateKey("viewer"));
            // Words the embedded model reads as positive; the tiny model's table says negative.
            await Events.PostAsync(agent, Events.Started("SIM_o"), Events.Line("SIM_o", "l1", "Great, still waiting for hours."));

            var scored = await FirstScoredAsync(viewer, "SIM_o");
            Assert.Equal("tiny-roberta", scored.GetProperty("model").GetString());
            Assert.Equal("negative", scored.GetProperty("label").GetString());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_app_refuses_to_start_with_an_onnx_model_that_is_not_there_saying_what_to_set()
    {
        using var app = new SwitchboardApp();
        app.Settings["Insights:Onnx:ModelPath"] = "/nonexistent/model.onnx";
        var error = Assert.ThrowsAny<OptionsValidationException>(() => app.CreateClient());
        Assert.Contains("Insights:Onnx:ModelPath '/nonexistent/model.onnx' is not a file", error.Message, StringComparison.Ordinal);
        Assert.Contains("Insights:Onnx:Labels must name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_app_refuses_to_start_with_a_model_enabled_but_not_configured()
    {
        using var app = new SwitchboardApp();
        app.Settings["Insights:Llm:Enabled"] = "true";
        app.Settings["Insights:AlertThreshold"] = "5";
        app.Settings["Insights:AlertHysteresis"] = "20";

        var error = Assert.ThrowsAny<OptionsValidationException>(() => app.CreateClient());

        Assert.Contains("Insights:Llm:BaseUrl", error.Message, StringComparison.Ordinal);
        Assert.Contains("Insights:Llm:Model", error.Message, StringComparison.Ordinal);
        Assert.Contains("Insights:AlertHysteresis", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Active_calls_list_their_attention_and_call_sentiment()
    {
        using var app = new SwitchboardApp();
        app.Settings["Insights:Enabled"] = "true";
        var agent = app.ClientWithKey(app.CreateKey("agent"));
        var viewer = app.ClientWithKey(app.CreateKey("viewer"));
        await Events.PostAsync(agent, Events.Started("SIM_a"), Events.Line("SIM_a", "l1", "I want to cancel. This is terrible."));

        // The analyzer works after the acknowledgement: wait (bounded) for its effect.
        JsonElement call = default;
        for (var i = 0; i < 200; i++)
        {
            var list = await viewer.GetFromJsonAsync<JsonElement>("/api/v1/calls");
            call = list.GetProperty("calls")[0];
            if (call.TryGetProperty("callSentiment", out _) && call.TryGetProperty("attention", out var attention)
                && attention.GetProperty("reasons").GetArrayLength() >= 2)
            {
                break;
            }

            await Task.Delay(50);
        }

        Assert.True(call.GetProperty("callSentiment").GetProperty("score").GetDouble() < 0);
        var reasons = call.GetProperty("attention").GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).ToList();
        Assert.Contains("caller asked to cancel", reasons);
        Assert.Contains(reasons, r => r!.StartsWith("negative call sentiment", StringComparison.Ordinal));
    }
}
