/* SPDX-License-Identifier: GPL-2.0 */
/*
 * systemd's service notification protocol (sd_notify(3)) without
 * libsystemd: each call sends one datagram of "KEY=value" lines to the unix
 * socket named by $NOTIFY_SOCKET, a path, or an abstract name when it starts
 * with '@'.  Without $NOTIFY_SOCKET (not started by systemd, or not as
 * Type=notify) nothing is sent and nothing fails.  $NOTIFY_SOCKET is left in
 * the environment: the daemon notifies more than once.
 *
 * Each returns 1 when the datagram was sent, 0 when there is no
 * $NOTIFY_SOCKET, -errno when it could not be sent (logged once by the
 * caller if it cares; systemd then gives up waiting on its own timeout).
 */
#ifndef L2SECD_NOTIFY_H
#define L2SECD_NOTIFY_H

/* "READY=1": started, or a reload is over. */
int notify_ready(void);
/*
 * "RELOADING=1" and "MONOTONIC_USEC=N" (CLOCK_MONOTONIC, as systemd 253
 * wants it for Type=notify-reload; older systemd ignores the second line).
 * notify_ready() ends the reload.
 */
int notify_reloading(void);
/* "STOPPING=1": shutting down (StopCCNs on their way). */
int notify_stopping(void);
/*
 * "STATUS=text" for `systemctl status`: one line, so a newline in the text
 * becomes a space (it cannot add a KEY=value line of its own).
 */
int notify_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Sends MSG as it is (one or more "KEY=value" lines); as above. */
int notify_send(const char *msg);

#endif
