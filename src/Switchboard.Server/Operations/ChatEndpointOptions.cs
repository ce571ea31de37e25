using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI;
using OpenAI.Chat;

namespace Switchboard.Server.Operations;

/// <summary>The settings of a chat model behind an OpenAI-compatible endpoint, shared by the features that ask one.</summary>
public abstract class ChatEndpointOptions
{
    /// <summary>Ask the model; off by default.</summary>
    public bool Enabled { get; set; }

    /// <summary>Base URL of the API, for example <c>https://api.openai.com/v1</c> or a local server's <c>/v1</c>.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>The model name.</summary>
    public string? Model { get; set; }

    /// <summary>The API key (servers that need none accept any).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Adds what is missing or wrong for an enabled endpoint to <paramref name="errors"/>, naming the settings under <paramref name="section"/>.</summary>
    public void ValidateEndpoint(string section, List<string> errors)
    {
        if (!Enabled)
        {
            return;
        }

        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            errors.Add($"{section}:BaseUrl must be an absolute http(s) URL when {section}:Enabled is true.");
        }

        if (string.IsNullOrWhiteSpace(Model))
        {
            errors.Add($"{section}:Model is required when {section}:Enabled is true.");
        }
    }

    /// <summary>A client of the model that never retries by itself: the caller's own timeout and retries decide.</summary>
    public ChatClient CreateChatClient(TimeSpan timeout)
    {
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = new Uri(BaseUrl!),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = timeout + TimeSpan.FromSeconds(1),
        };
        return new ChatClient(Model!, new ApiKeyCredential(string.IsNullOrEmpty(ApiKey) ? "unused" : ApiKey), clientOptions);
    }
}
