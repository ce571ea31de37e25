using System.Globalization;

namespace Switchboard.Contracts.Events;

/// <summary>
/// What an id must be. Every id is at most <see cref="Limits.ShortText"/> characters of visible
/// text (no control or formatting characters, which would hide in logs and screens); a call id is
/// also a segment of the API's routes (<c>/api/v1/calls/{id}</c>), so it may not hold a slash or a
/// backslash, nor be <c>.</c> or <c>..</c>, which clients resolve away before sending a request.
/// </summary>
public static class CallIds
{
    /// <summary>Why <paramref name="id"/> cannot be an id, or null when it can.</summary>
    public static string? IdProblem(string? id, int maxLength = Limits.ShortText)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return "is required";
        }

        if (id.Length > maxLength)
        {
            return $"must be at most {maxLength} characters (got {id.Length})";
        }

        for (var i = 0; i < id.Length; i++)
        {
            if (IsHidden(id, i))
            {
                return $"must be visible text: character {i + 1} is U+{(int)id[i]:X4}, a control, formatting or unpaired surrogate character";
            }
        }

        return null;
    }

    /// <summary>Why <paramref name="callId"/> cannot be a call id, or null when it can.</summary>
    public static string? CallIdProblem(string? callId)
    {
        if (IdProblem(callId) is { } problem)
        {
            return problem;
        }

        var id = callId!;
        if (id.AsSpan().IndexOfAny('/', '\\') is var slash and >= 0)
        {
            return $"may not contain '{id[slash]}' (character {slash + 1}): a call id is one segment of /api/v1/calls/{{id}}";
        }

        return id is "." or ".." ? "may not be '.' or '..': a call id is one segment of /api/v1/calls/{id}" : null;
    }

    private static bool IsHidden(string text, int i)
    {
        var c = text[i];
        if (char.IsHighSurrogate(c))
        {
            return i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]);
        }

        if (char.IsLowSurrogate(c))
        {
            return i == 0 || !char.IsHighSurrogate(text[i - 1]);
        }

        return CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
    }
}
