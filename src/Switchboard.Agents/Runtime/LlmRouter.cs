using System.ClientModel;
using System.ClientModel.Primitives;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using OpenAI;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace Switchboard.Agents.Runtime;

/// <summary>What a caller of <see cref="LlmRouter"/> hears about retries, fallbacks and open circuits.</summary>
public interface ILlmObserver
{
    /// <summary>A line for the call's debug stream (category <c>llm</c>).</summary>
    void Notice(string message);
}

/// <summary>Every model failed; the message says how.</summary>
public sealed class LlmUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Streams a reply from the first model that answers: each endpoint has its own retries with
/// exponential backoff and jitter, its own first-token timeout, and its own circuit breaker
/// (Polly) shared by every call, so an endpoint that keeps failing is skipped at once; then the
/// fallback model is tried. Retries happen only before the first token: a reply that broke off
/// half-way is not repeated, it fails the turn.
/// </summary>
public sealed class LlmRouter
{
    private static readonly ResiliencePropertyKey<ILlmObserver> ObserverKey = new("switchboard.observer");
    private readonly IReadOnlyList<Endpoint> _endpoints;

    /// <summary>Routes over the given chat clients in order (tests, benchmarks, custom providers).</summary>
    public LlmRouter(IReadOnlyList<(string Name, IChatClient Client)> clients, LlmOptions options)
    {
        if (clients.Count == 0)
        {
            throw new ArgumentException("At least one chat client is needed.", nameof(clients));
        }

        Options = options;
        _endpoints = [.. clients.Select(c => new Endpoint(c.Name, c.Client, options))];
    }

    /// <summary>The reliability settings.</summary>
    public LlmOptions Options { get; }

    /// <summary>The names of the models tried, in order.</summary>
    public IReadOnlyList<string> Models => [.. _endpoints.Select(e => e.Name)];

    /// <summary>Routes to the OpenAI-compatible endpoint of <paramref name="options"/> and its fallback.</summary>
    /// <exception cref="ArgumentException">The options are incomplete; the message lists every problem.</exception>
    public static LlmRouter ForOpenAiCompatible(LlmOptions options)
    {
        var problems = options.Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems));
        }

        var clients = new List<(string, IChatClient)> { (options.Model, Client(options.BaseUrl!, options.ApiKey, options.Model, options)) };
        if (!string.IsNullOrWhiteSpace(options.FallbackModel))
        {
            clients.Add((options.FallbackModel, Client(options.FallbackBaseUrl ?? options.BaseUrl!, options.FallbackApiKey ?? options.ApiKey, options.FallbackModel, options)));
        }

        return new LlmRouter(clients, options);
    }

    /// <summary>
    /// Streams the reply of the first model that answers. The first update is awaited under the
    /// resilience rules above; every <see cref="ChatResponseUpdate.ModelId"/> names the model that answered.
    /// </summary>
    /// <exception cref="LlmUnavailableException">No model answered.</exception>
    public async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(
        IReadOnlyList<ChatMessage> messages, ChatOptions options, ILlmObserver observer, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Exception? last = null;
        foreach (var endpoint in _endpoints)
        {
            Opened? opened = null;
            try
            {
                opened = await endpoint.OpenAsync(messages, options, observer, cancellationToken).ConfigureAwait(false);
            }
            catch (BrokenCircuitException ex)
            {
                last = ex;
                observer.Notice($"{endpoint.Name}: circuit open after repeated failures; skipped");
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                last = ex;
                observer.Notice($"{endpoint.Name}: failed ({Describe(ex)})");
            }

            if (opened is null)
            {
                continue;
            }

            if (endpoint != _endpoints[0])
            {
                observer.Notice($"answered by the fallback model {endpoint.Name}");
            }

            await using (opened.ConfigureAwait(false))
            {
                if (opened.First is { } first)
                {
                    first.ModelId ??= endpoint.Name;
                    yield return first;
                }

                while (await opened.NextAsync(cancellationToken).ConfigureAwait(false))
                {
                    var update = opened.Current;
                    update.ModelId ??= endpoint.Name;
                    yield return update;
                }
            }

            yield break;
        }

        throw new LlmUnavailableException($"No model answered ({string.Join(", ", Models)}): {(last is null ? "no endpoint" : Describe(last))}", last);
    }

    /// <summary>A short reason for a failure, without secrets.</summary>
    public static string Describe(Exception ex) => ex switch
    {
        ClientResultException c => $"HTTP {c.Status}",
        TimeoutException t => t.Message,
        BrokenCircuitException => "circuit open",
        HttpRequestException h => h.HttpRequestError.ToString(),
        _ => ex.GetType().Name,
    };

    private static IChatClient Client(Uri baseUrl, string? apiKey, string model, LlmOptions options) =>
        new OpenAI.Chat.ChatClient(model, new ApiKeyCredential(string.IsNullOrEmpty(apiKey) ? "none" : apiKey), new OpenAIClientOptions
        {
            Endpoint = baseUrl,
            RetryPolicy = new ClientRetryPolicy(0), // the router retries, with its own rules
            NetworkTimeout = options.ReplyTimeout,
        }).AsIChatClient();

    private static bool IsTransient(Exception ex) => ex switch
    {
        ClientResultException c => c.Status is 0 or 408 or 409 or 429 or >= 500,
        TimeoutException or HttpRequestException or IOException => true,
        _ => false,
    };

    private sealed class Endpoint
    {
        private readonly IChatClient _client;
        private readonly LlmOptions _options;
        private readonly ResiliencePipeline _pipeline;

        public Endpoint(string name, IChatClient client, LlmOptions options)
        {
            Name = name;
            _client = client;
            _options = options;
            var builder = new ResiliencePipelineBuilder();
            if (options.Retries > 0)
            {
                builder.AddRetry(new RetryStrategyOptions
                {
                    MaxRetryAttempts = options.Retries,
                    Delay = options.RetryDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && IsTransient(ex) && !args.Context.CancellationToken.IsCancellationRequested),
                    OnRetry = args =>
                    {
                        if (args.Context.Properties.TryGetValue(ObserverKey, out var observer))
                        {
                            observer.Notice($"{name}: attempt {args.AttemptNumber + 1} failed ({Describe(args.Outcome.Exception!)}); retrying in {args.RetryDelay.TotalMilliseconds:0} ms");
                        }

                        return ValueTask.CompletedTask;
                    },
                });
            }

            _pipeline = builder
                .AddCircuitBreaker(new CircuitBreakerStrategyOptions
                {
                    FailureRatio = 0.5,
                    MinimumThroughput = options.BreakerFailures,
                    SamplingDuration = options.BreakerWindow,
                    BreakDuration = options.BreakerDuration,
                    ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && ex is not OperationCanceledException),
                })
                .Build();
        }

        public string Name { get; }

        public async Task<Opened> OpenAsync(IReadOnlyList<ChatMessage> messages, ChatOptions options, ILlmObserver observer, CancellationToken cancellationToken)
        {
            var context = ResilienceContextPool.Shared.Get(cancellationToken);
            context.Properties.Set(ObserverKey, observer);
            try
            {
                return await _pipeline.ExecuteAsync(async ctx => await AttemptAsync(messages, options, ctx.CancellationToken).ConfigureAwait(false), context).ConfigureAwait(false);
            }
            finally
            {
                ResilienceContextPool.Shared.Return(context);
            }
        }

        private async Task<Opened> AttemptAsync(IReadOnlyList<ChatMessage> messages, ChatOptions options, CancellationToken cancellationToken)
        {
            var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(_options.FirstTokenTimeout);
            var stream = _client.GetStreamingResponseAsync(messages, options, attempt.Token).GetAsyncEnumerator(attempt.Token);
            try
            {
                var any = await stream.MoveNextAsync().ConfigureAwait(false);
                attempt.CancelAfter(_options.ReplyTimeout);
                return new Opened(stream, any ? stream.Current : null, attempt);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
                attempt.Dispose();
                throw new TimeoutException($"no first token within {_options.FirstTokenTimeout.TotalMilliseconds:0} ms");
            }
            catch
            {
                await stream.DisposeAsync().ConfigureAwait(false);
                attempt.Dispose();
                throw;
            }
        }
    }

    private sealed class Opened(IAsyncEnumerator<ChatResponseUpdate> stream, ChatResponseUpdate? first, CancellationTokenSource attempt) : IAsyncDisposable
    {
        private bool _ended = first is null;

        public ChatResponseUpdate? First => first;

        public ChatResponseUpdate Current => stream.Current;

        public async ValueTask<bool> NextAsync(CancellationToken cancellationToken)
        {
            if (_ended)
            {
                return false;
            }

            try
            {
                _ended = !await stream.MoveNextAsync().ConfigureAwait(false);
                return !_ended;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new LlmUnavailableException("The reply took longer than allowed and was cut off.");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Not retried: the caller may have heard part of it already.
                throw new LlmUnavailableException($"The reply broke off ({Describe(ex)}).", ex);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            attempt.Dispose();
        }
    }
}
