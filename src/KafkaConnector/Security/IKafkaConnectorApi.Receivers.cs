using System.Security.Claims;
using KafkaConnector.Diagnostics;
using KafkaConnector.Receivers;

namespace KafkaConnector.Security;

/// <content>
/// The node's receivers: reading their status needs <see cref="KafkaConnectorAction.ReceiverView"/>,
/// pausing, resuming and restarting them <see cref="KafkaConnectorAction.ReceiverControl"/>, so that an
/// operator may watch without being allowed to act.
/// </content>
public partial interface IKafkaConnectorApi
{
    /// <summary>Checks <see cref="KafkaConnectorAction.ReceiverView"/> on <c>*</c>, then returns every receiver's status (<see cref="IKafkaConnectorStatus.GetReceiverStatus"/>).</summary>
    /// <exception cref="KafkaPermissionDeniedException">The caller may not view the receivers.</exception>
    Task<IReadOnlyList<KafkaReceiverStatus>> GetReceiverStatusAsync(ClaimsPrincipal principal, CancellationToken cancellationToken = default);

    /// <summary>Checks <see cref="KafkaConnectorAction.ReceiverControl"/> on the receiver's id, then pauses it (<see cref="IKafkaReceiverControl.PauseAsync"/>).</summary>
    /// <exception cref="KafkaPermissionDeniedException">The caller may not control this receiver; nothing was changed.</exception>
    /// <exception cref="KafkaReceiverNotFoundException">No receiver has this id.</exception>
    Task PauseReceiverAsync(ClaimsPrincipal principal, string receiverId, CancellationToken cancellationToken = default);

    /// <summary>Checks <see cref="KafkaConnectorAction.ReceiverControl"/> on the receiver's id, then resumes it (<see cref="IKafkaReceiverControl.ResumeAsync"/>).</summary>
    /// <exception cref="KafkaPermissionDeniedException">The caller may not control this receiver; nothing was changed.</exception>
    /// <exception cref="KafkaReceiverNotFoundException">No receiver has this id.</exception>
    Task ResumeReceiverAsync(ClaimsPrincipal principal, string receiverId, CancellationToken cancellationToken = default);

    /// <summary>Checks <see cref="KafkaConnectorAction.ReceiverControl"/> on the receiver's id, then restarts it (<see cref="IKafkaReceiverControl.RestartAsync"/>).</summary>
    /// <exception cref="KafkaPermissionDeniedException">The caller may not control this receiver; nothing was changed.</exception>
    /// <exception cref="KafkaReceiverNotFoundException">No receiver has this id.</exception>
    Task RestartReceiverAsync(ClaimsPrincipal principal, string receiverId, CancellationToken cancellationToken = default);

    /// <summary>Checks <see cref="KafkaConnectorAction.ReceiverControl"/> on <c>*</c>, then pauses every receiver of the node (<see cref="IKafkaReceiverControl.PauseAllAsync"/>).</summary>
    /// <exception cref="KafkaPermissionDeniedException">The caller may not control every receiver; nothing was changed.</exception>
    Task PauseAllReceiversAsync(ClaimsPrincipal principal, CancellationToken cancellationToken = default);

    /// <summary>Checks <see cref="KafkaConnectorAction.ReceiverControl"/> on <c>*</c>, then ends a pause of all receivers (<see cref="IKafkaReceiverControl.ResumeAllAsync"/>).</summary>
    /// <exception cref="KafkaPermissionDeniedException">The caller may not control every receiver; nothing was changed.</exception>
    Task ResumeAllReceiversAsync(ClaimsPrincipal principal, CancellationToken cancellationToken = default);

    /// <summary>Checks <see cref="KafkaConnectorAction.ReceiverControl"/> on <c>*</c>, then makes the node's consumers anew (<see cref="IKafkaReceiverControl.RestartAllAsync"/>).</summary>
    /// <exception cref="KafkaPermissionDeniedException">The caller may not control every receiver; nothing was changed.</exception>
    /// <exception cref="InvalidOperationException">The node has no identity, or is not running.</exception>
    Task RestartAllReceiversAsync(ClaimsPrincipal principal, CancellationToken cancellationToken = default);
}
