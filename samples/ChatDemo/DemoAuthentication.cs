using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ChatDemo;

/// <summary>
/// Demo sign-in, not for production: <c>?user=NAME</c> signs in as NAME (and sets a cookie for the
/// page's later requests); every user gets role <c>demo</c>. Use real authentication in a service.
/// </summary>
internal sealed class DemoAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string Name = "demo";
    private const string Cookie = "demo-user";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var user = Request.Query["user"].FirstOrDefault();
        if (!string.IsNullOrWhiteSpace(user))
        {
            Response.Cookies.Append(Cookie, user, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict });
        }
        else
        {
            user = Request.Cookies[Cookie];
        }

        if (string.IsNullOrWhiteSpace(user) || user.Length > 32 || !user.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, user), new Claim(ClaimTypes.Role, "demo")], Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Name)));
    }
}
