using Switchboard.Agents.Speech;
using Switchboard.Testing.OpenAiCompatible;

namespace Switchboard.Agents.Tests.Speech;

/// <summary>The OpenAI-compatible speech providers against the double.</summary>
public sealed class SpeechProviderTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private static Task<OpenAiCompatibleDouble> StartAsync() => OpenAiCompatibleDouble.StartAsync(_ => ChatReply.Say(""));

    private static SpeechOptions Options(OpenAiCompatibleDouble fake) =>
        new() { BaseUrl = fake.BaseUrl, ApiKey = "k", MaxRetries = 0 };

    [Fact]
    public async Task Transcription_returns_the_services_text_and_sends_the_model_and_the_audio()
    {
        await using var fake = await StartAsync();
        fake.Transcribe = request => $"I'd like to book a haircut ({request.Bytes} bytes)";
        var stt = new OpenAiSpeechToText(Options(fake) with { SttModel = "whisper-test" });
        using var timeout = new CancellationTokenSource(Timeout);
        using var audio = new MemoryStream(new byte[3210]);

        var transcription = await stt.TranscribeAsync(audio, "turn-1.wav", "en", timeout.Token);

        Assert.Equal("I'd like to book a haircut (3210 bytes)", transcription.Text);
        Assert.Equal("en", transcription.Language);
        Assert.True(transcription.Duration > TimeSpan.Zero);
        var request = Assert.Single(fake.TranscriptionRequests);
        Assert.Equal(new TranscriptionRequest("whisper-test", "turn-1.wav", 3210, "en"), request);
    }

    [Fact]
    public async Task Synthesis_returns_the_services_audio_and_sends_the_text_voice_and_format()
    {
        await using var fake = await StartAsync();
        byte[] wav = [.. "RIFF"u8, 1, 2, 3, 4, 5];
        fake.Speech = () => wav;
        var tts = new OpenAiTextToSpeech(Options(fake) with { TtsModel = "tts-test", Voice = "nova" });
        using var timeout = new CancellationTokenSource(Timeout);

        var speech = await tts.SynthesizeAsync("Your appointment is on Friday.", timeout.Token);

        Assert.Equal(wav, speech.Audio.ToArray());
        Assert.Equal("audio/wav", speech.ContentType);
        Assert.True(speech.TimeToFirstByte > TimeSpan.Zero);
        Assert.Equal(new SpeechRequest("tts-test", "Your appointment is on Friday.", "nova", "wav"), Assert.Single(fake.SpeechRequests));
    }

    [Fact]
    public async Task Synthesis_by_default_returns_a_playable_wav()
    {
        await using var fake = await StartAsync();
        var tts = new OpenAiTextToSpeech(Options(fake));
        using var timeout = new CancellationTokenSource(Timeout);

        var speech = await tts.SynthesizeAsync("Hello.", timeout.Token);

        Assert.Equal("RIFF"u8.ToArray(), speech.Audio[..4].ToArray());
        Assert.Equal("WAVE"u8.ToArray(), speech.Audio[8..12].ToArray());
        Assert.True(speech.Audio.Length > 44);
    }

    [Fact]
    public async Task A_failing_synthesis_surfaces_as_a_speech_provider_exception_with_the_status_and_the_services_message()
    {
        await using var fake = await StartAsync();
        fake.Speech = () => throw new InvalidOperationException("voice unavailable");
        var tts = new OpenAiTextToSpeech(Options(fake));
        using var timeout = new CancellationTokenSource(Timeout);

        var error = await Assert.ThrowsAsync<SpeechProviderException>(() => tts.SynthesizeAsync("Hello.", timeout.Token));

        Assert.Equal(500, error.Status);
        Assert.Contains("Text-to-speech", error.Message, StringComparison.Ordinal);
        Assert.Contains("voice unavailable", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_transcription_surfaces_as_a_speech_provider_exception_with_the_status_and_the_services_message()
    {
        await using var fake = await StartAsync();
        fake.Transcribe = _ => throw new InvalidOperationException("audio too short");
        var stt = new OpenAiSpeechToText(Options(fake));
        using var timeout = new CancellationTokenSource(Timeout);
        using var audio = new MemoryStream(new byte[10]);

        var error = await Assert.ThrowsAsync<SpeechProviderException>(() => stt.TranscribeAsync(audio, "a.wav", null, timeout.Token));

        Assert.Equal(500, error.Status);
        Assert.Contains("Speech-to-text", error.Message, StringComparison.Ordinal);
        Assert.Contains("audio too short", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_service_surfaces_as_a_speech_provider_exception_without_a_status()
    {
        Uri closed;
        await using (var fake = await StartAsync())
        {
            closed = fake.BaseUrl;
        }

        var stt = new OpenAiSpeechToText(new SpeechOptions { BaseUrl = closed, ApiKey = "k", MaxRetries = 0 });
        using var timeout = new CancellationTokenSource(Timeout);
        using var audio = new MemoryStream(new byte[10]);

        var error = await Assert.ThrowsAsync<SpeechProviderException>(() => stt.TranscribeAsync(audio, "a.wav", null, timeout.Token));

        Assert.Equal(0, error.Status);
        Assert.Contains(closed.ToString(), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_options_are_refused_with_every_problem_listed()
    {
        var options = new SpeechOptions
        {
            BaseUrl = new Uri("/v1/", UriKind.Relative),
            ApiKey = "",
            TtsModel = " ",
            ResponseFormat = "ogg",
            NetworkTimeout = TimeSpan.Zero,
        };

        var error = Assert.Throws<ArgumentException>(() => new OpenAiTextToSpeech(options));

        foreach (var name in new[] { "BaseUrl", "ApiKey", "TtsModel", "ResponseFormat", "NetworkTimeout" })
        {
            Assert.Contains(name, error.Message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("SttModel", error.Message, StringComparison.Ordinal);
    }
}
