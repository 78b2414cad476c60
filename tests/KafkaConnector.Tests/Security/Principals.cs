using System.Security.Claims;

namespace KafkaConnector.Tests.Security;

/// <summary>Callers for permission tests.</summary>
internal static class Principals
{
    /// <summary>An authenticated caller with a name and roles.</summary>
    public static ClaimsPrincipal User(string name, params string[] roles) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), .. roles.Select(r => new Claim(ClaimTypes.Role, r))], authenticationType: "test"));

    /// <summary>An authenticated caller with a name and claims.</summary>
    public static ClaimsPrincipal WithClaims(string name, params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), .. claims.Select(c => new Claim(c.Type, c.Value))], authenticationType: "test"));

    /// <summary>An unauthenticated caller that nevertheless carries role claims, which must not count.</summary>
    public static ClaimsPrincipal Anonymous(params string[] roles) =>
        new(new ClaimsIdentity(roles.Select(r => new Claim(ClaimTypes.Role, r))));
}
