using System.Buffers.Binary;

namespace Switchboard.Testing.OpenAiCompatible;

/// <summary>A valid RIFF/WAVE file of silence: 16-bit mono PCM.</summary>
internal static class SilentWav
{
    public static byte[] Create(TimeSpan duration, int sampleRate = 24_000)
    {
        const int HeaderBytes = 44;
        const short Channels = 1;
        const short BitsPerSample = 16;
        var blockAlign = Channels * BitsPerSample / 8;
        var dataBytes = (int)(duration.TotalSeconds * sampleRate) * blockAlign;
        var wav = new byte[HeaderBytes + dataBytes];
        var span = wav.AsSpan();
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], HeaderBytes - 8 + dataBytes);
        "WAVEfmt "u8.CopyTo(span[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(span[20..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(span[22..], Channels);
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], sampleRate * blockAlign);
        BinaryPrimitives.WriteInt16LittleEndian(span[32..], (short)blockAlign);
        BinaryPrimitives.WriteInt16LittleEndian(span[34..], BitsPerSample);
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], dataBytes);
        return wav;
    }
}
