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
# Split tunnel: only the routes below go through the tunnel.
Add-VpnConnection -Name $name -ServerAddress 'vpn.example.com' -TunnelType L2tp -AllUserConnection `
    -L2tpPsk 'it''s "a" $(touch /tmp/pwned) `id` & <b> \ 100% a;b ‘‘q’’ ‚‚r‛‛ “s” „t Ñ ü 😀' `
    -AuthenticationMethod MSChapv2 -EncryptionLevel Required -RememberCredential -SplitTunneling `
    -DnsSuffix 'corp.example' -Force
Add-VpnConnectionRoute -ConnectionName $name -AllUserConnection -DestinationPrefix '10.1.0.0/16'
Add-VpnConnectionRoute -ConnectionName $name -AllUserConnection -DestinationPrefix '172.16.5.0/28'
Add-VpnConnectionRoute -ConnectionName $name -AllUserConnection -DestinationPrefix '192.0.2.128/25'

# Windows would also route the whole class of the address it gets (a /8 for
# 10.x.y.z) through the tunnel: "Disable class based route addition".
$pbk = Join-Path $env:ProgramData 'Microsoft\Network\Connections\Pbk\rasphone.pbk'
$entry = $false
$lines = foreach ($line in [IO.File]::ReadAllLines($pbk)) {
    if ($line.StartsWith('[')) { $entry = $line -ceq ('[' + $name + ']') }
    elseif ($entry -and $line.StartsWith('DisableClassBasedDefaultRoute=')) {
        $line = 'DisableClassBasedDefaultRoute=1'
    }
    $line
}
[IO.File]::WriteAllLines($pbk, [string[]]$lines)

$rule = 'l2sec: ' + $name
Get-DnsClientNrptRule | Where-Object { $_.DisplayName -ceq $rule } |
    ForEach-Object { Remove-DnsClientNrptRule -Name $_.Name -Force }
# Split DNS: names under these domains are asked of the tunnel's DNS servers
# (while the tunnel is down they do not resolve).
Add-DnsClientNrptRule -DisplayName $rule -Namespace '.corp.example', '.lab.corp.example' `
    -NameServers '10.1.0.53', '10.1.0.54'
Write-Host "Done: reboot once for the NAT setting, then connect to $name."
