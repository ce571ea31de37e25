using Microsoft.Extensions.Logging;

namespace Switchboard.Agents.Speech;

/// <summary>The speech providers' log events, 10100–10199.</summary>
internal static partial class SpeechLog
{
    [LoggerMessage(EventId = 10101, Level = LogLevel.Debug, Message = "Transcribed {Characters} characters with {Model} in {ElapsedMs:F0} ms")]
    public static partial void Transcribed(ILogger logger, string model, int characters, double elapsedMs);

    [LoggerMessage(EventId = 10102, Level = LogLevel.Warning, Message = "Speech-to-text failed ({Status}): {Reason}")]
    public static partial void TranscriptionFailed(ILogger logger, int status, string reason);

    [LoggerMessage(EventId = 10111, Level = LogLevel.Debug, Message = "Synthesized {Bytes} bytes of {ContentType} with {Model}, first byte after {FirstByteMs:F0} ms")]
    public static partial void Synthesized(ILogger logger, long bytes, string contentType, string model, double firstByteMs);

    [LoggerMessage(EventId = 10112, Level = LogLevel.Warning, Message = "Text-to-speech failed ({Status}): {Reason}")]
    public static partial void SynthesisFailed(ILogger logger, int status, string reason);
}
