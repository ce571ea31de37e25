using Microsoft.Extensions.Options;

namespace Switchboard.Server.Insights;

/// <summary>Wires sentiment and attention into the server.</summary>
public static class InsightsExtensions
{
    /// <summary>Registers the classifier, the analyzer on the event stream and the attention clock.</summary>
    public static IHostApplicationBuilder AddInsights(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<InsightsOptions>().BindConfiguration(InsightsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<InsightsOptions>, InsightsOptionsValidator>();
        builder.Services.AddSingleton(_ => new VaderSentiment());
        builder.Services.AddSingleton(sp => new ServiceSentiment(sp.GetRequiredService<VaderSentiment>(), ServiceCues.Default));
        builder.Services.AddSingleton<EmbeddedClassifier>();
        builder.Services.AddSingleton<ISentimentClassifier>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<InsightsOptions>>().Value;
            return options switch
            {
                { Llm.Enabled: true } => ActivatorUtilities.CreateInstance<ChatSentimentClassifier>(sp),
                { Onnx.Enabled: true } => ActivatorUtilities.CreateInstance<OnnxSentimentClassifier>(sp),
                _ => sp.GetRequiredService<EmbeddedClassifier>(),
            };
        });
        builder.Services.AddSingleton<AttentionTracker>();
        if (builder.Configuration.GetValue($"{InsightsOptions.Section}:{nameof(InsightsOptions.Enabled)}", true))
        {
            builder.Services.AddSingleton<SentimentAnalyzer>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<SentimentAnalyzer>());
            builder.Services.AddHostedService<AttentionMonitor>();
        }

        return builder;
    }
}
