using System.Security.Claims;
using KafkaConnector.Diagnostics;

namespace KafkaConnector.Security;

/// <content>The receivers' status and control: the receiver's id is the resource, <c>*</c> for all of them.</content>
internal sealed partial class KafkaConnectorApi
{
    public async Task<IReadOnlyList<KafkaReceiverStatus>> GetReceiverStatusAsync(ClaimsPrincipal principal, CancellationToken cancellationToken = default)
    {
        await _gate.DemandAsync(principal, KafkaConnectorAction.ReceiverView, PermissionRule.Everything, cancellationToken).ConfigureAwait(false);
        return _status.GetReceiverStatus();
    }

    public async Task PauseReceiverAsync(ClaimsPrincipal principal, string receiverId, CancellationToken cancellationToken = default)
    {
        await DemandControlAsync(principal, receiverId, cancellationToken).ConfigureAwait(false);
        await _receivers.PauseAsync(receiverId, cancellationToken).ConfigureAwait(false);
    }

    public async Task ResumeReceiverAsync(ClaimsPrincipal principal, string receiverId, CancellationToken cancellationToken = default)
    {
        await DemandControlAsync(principal, receiverId, cancellationToken).ConfigureAwait(false);
        await _receivers.ResumeAsync(receiverId, cancellationToken).ConfigureAwait(false);
    }

    public async Task RestartReceiverAsync(ClaimsPrincipal principal, string receiverId, CancellationToken cancellationToken = default)
    {
        await DemandControlAsync(principal, receiverId, cancellationToken).ConfigureAwait(false);
        await _receivers.RestartAsync(receiverId, cancellationToken).ConfigureAwait(false);
    }

    public async Task PauseAllReceiversAsync(ClaimsPrincipal principal, CancellationToken cancellationToken = default)
    {
        await DemandControlAsync(principal, PermissionRule.Everything, cancellationToken).ConfigureAwait(false);
        await _receivers.PauseAllAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task ResumeAllReceiversAsync(ClaimsPrincipal principal, CancellationToken cancellationToken = default)
    {
        await DemandControlAsync(principal, PermissionRule.Everything, cancellationToken).ConfigureAwait(false);
        await _receivers.ResumeAllAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task RestartAllReceiversAsync(ClaimsPrincipal principal, CancellationToken cancellationToken = default)
    {
        await DemandControlAsync(principal, PermissionRule.Everything, cancellationToken).ConfigureAwait(false);
        await _receivers.RestartAllAsync(cancellationToken).ConfigureAwait(false);
    }

    private ValueTask DemandControlAsync(ClaimsPrincipal principal, string receiverId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(receiverId);
        return _gate.DemandAsync(principal, KafkaConnectorAction.ReceiverControl, receiverId, cancellationToken);
    }
}
