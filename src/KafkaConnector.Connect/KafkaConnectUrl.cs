using System.Net.Http.Headers;
using System.Text;

namespace KafkaConnector.Connect;

/// <summary>Turns the configured URL into what <see cref="HttpClient"/> needs, keeping credentials out of text.</summary>
internal static class KafkaConnectUrl
{
    private const string Mask = "***";

    /// <summary>
    /// The URL with any user information replaced by <c>***</c>. Works on text that is not a valid URL
    /// too, because a misconfigured value is exactly the one that ends up in an error message.
    /// </summary>
    public static string Redact(string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return url ?? string.Empty;
        }

        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        var authorityStart = schemeEnd < 0 ? 0 : schemeEnd + 3;
        var authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart);
        if (authorityEnd < 0)
        {
            authorityEnd = url.Length;
        }

        var at = url.AsSpan(authorityStart, authorityEnd - authorityStart).LastIndexOf('@');
        return at < 0 ? url : string.Concat(url.AsSpan(0, authorityStart), Mask, url.AsSpan(authorityStart + at));
    }

    /// <summary>The base address without user information and ending in a slash, so that relative paths keep any path prefix.</summary>
    public static Uri BaseAddress(Uri url)
    {
        var builder = new UriBuilder(url) { UserName = string.Empty, Password = string.Empty };
        if (!builder.Path.EndsWith('/'))
        {
            builder.Path += "/";
        }

        return builder.Uri;
    }

    /// <summary>Basic authentication from the URL's user information, or null when it has none.</summary>
    public static AuthenticationHeaderValue? BasicAuthentication(Uri url)
    {
        if (string.IsNullOrEmpty(url.UserInfo))
        {
            return null;
        }

        var separator = url.UserInfo.IndexOf(':', StringComparison.Ordinal);
        var user = separator < 0 ? url.UserInfo : url.UserInfo[..separator];
        var password = separator < 0 ? string.Empty : url.UserInfo[(separator + 1)..];
        var credentials = $"{Uri.UnescapeDataString(user)}:{Uri.UnescapeDataString(password)}";
        return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
    }
}
