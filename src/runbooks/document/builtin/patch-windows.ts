/**
 * AWS-RunPatchBaseline's Windows step: PowerShell driving the Windows Update agent through
 * its COM API (Microsoft.Update.Session). Scan lists the missing software updates; Install
 * downloads and installs them and, when any was installed and RebootOption is
 * RebootIfNeeded, exits 3010 so the agent reboots and runs the step again.
 */
export const WINDOWS_PATCH_SCRIPT = `$ErrorActionPreference = 'Stop'
$operation = '{{ Operation }}'
$rebootOption = '{{ RebootOption }}'

$session = New-Object -ComObject Microsoft.Update.Session
$searcher = $session.CreateUpdateSearcher()
$missing = $searcher.Search("IsInstalled=0 and IsHidden=0 and Type='Software'").Updates
Write-Output "Operation: $operation"
Write-Output "Missing: $($missing.Count)"
foreach ($update in $missing) { Write-Output "  $($update.Title)" }

if ($operation -eq 'Scan') { exit 0 }
if ($missing.Count -eq 0) { Write-Output 'Installed: 0'; exit 0 }

$selected = New-Object -ComObject Microsoft.Update.UpdateColl
foreach ($update in $missing) {
  if (-not $update.EulaAccepted) { $update.AcceptEula() }
  [void]$selected.Add($update)
}
$downloader = $session.CreateUpdateDownloader()
$downloader.Updates = $selected
[void]$downloader.Download()
$installer = $session.CreateUpdateInstaller()
$installer.Updates = $selected
$result = $installer.Install()

# ResultCode 2: succeeded; 3: succeeded with errors; 4: failed; 5: aborted.
if ($result.ResultCode -ne 2) {
  Write-Error "Windows Update finished with result code $($result.ResultCode)"
  exit 1
}
Write-Output "Installed: $($selected.Count)"
if ($rebootOption -eq 'RebootIfNeeded') {
  Write-Output 'Rebooting to complete the installation (RebootOption RebootIfNeeded)'
  exit 3010
}
exit 0
`;
