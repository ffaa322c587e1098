# L2TP/IPsec connection 'Corp VPN', from `l2sec client-config windows`.
# Run it in an elevated PowerShell (Run as administrator); it replaces a
# connection of the same name. Windows asks for the user name and password
# when the connection is first used.
$ErrorActionPreference = 'Stop'
$name = 'Corp VPN'

# Windows sets up no IPsec SA with a gateway behind NAT, or from a client
# behind NAT, unless AssumeUDPEncapsulationContextOnSendRule is 2; L2TP/IPsec
# clients and gateways are usually behind NAT. It takes effect after a reboot.
New-ItemProperty -Path 'HKLM:\SYSTEM\CurrentControlSet\Services\PolicyAgent' `
    -Name 'AssumeUDPEncapsulationContextOnSendRule' -PropertyType DWord -Value 2 `
    -Force | Out-Null

if (Get-VpnConnection -Name $name -AllUserConnection -ErrorAction SilentlyContinue) {
    Remove-VpnConnection -Name $name -AllUserConnection -Force
}
# Full tunnel: all traffic goes through the tunnel.
Add-VpnConnection -Name $name -ServerAddress 'vpn.example.com' -TunnelType L2tp -AllUserConnection `
    -L2tpPsk 'it''s "a" $(touch /tmp/pwned) `id` & <b> \ 100% a;b ‘‘q’’ ‚‚r‛‛ “s” „t Ñ ü 😀' `
    -AuthenticationMethod MSChapv2 -EncryptionLevel Required -RememberCredential `
    -DnsSuffix 'corp.example' -Force

$rule = 'l2sec: ' + $name
Get-DnsClientNrptRule | Where-Object { $_.DisplayName -ceq $rule } |
    ForEach-Object { Remove-DnsClientNrptRule -Name $_.Name -Force }
Write-Host "Done: reboot once for the NAT setting, then connect to $name."
