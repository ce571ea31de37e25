using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenAI;
using OpenAI.Audio;

namespace Switchboard.Agents.Speech;

/// <summary>One service of a <see cref="SpeechOptions"/>: its client, and what its failures say.</summary>
internal sealed class SpeechEndpoint
{
    private readonly string _service;

    public SpeechEndpoint(SpeechOptions options, string service, Func<SpeechOptions, string> model, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _service = service;
        Logger = logger ?? NullLogger.Instance;
        Options = options;
        Model = model(options);
        Client = new AudioClient(Model, new ApiKeyCredential(options.ApiKey), new OpenAIClientOptions
        {
            Endpoint = options.BaseUrl,
            NetworkTimeout = options.NetworkTimeout,
            RetryPolicy = new ClientRetryPolicy(options.MaxRetries),
        });
    }

    public ILogger Logger { get; }

    public SpeechOptions Options { get; }

    public string Model { get; }

    public AudioClient Client { get; }

    /// <summary>Whether <paramref name="e"/> is the service refusing or not answering (rather than a bug or a cancellation).</summary>
    public static bool IsServiceFailure(Exception e) => e is ClientResultException or HttpRequestException;

    public SpeechProviderException Failure(Exception e) => SpeechProviderException.From(_service, Options.BaseUrl, e);
}
