/* test_autoruns.c — the auto-start extension point table (lib/hunt/autoruns.c):
 * keys as Sysmon writes them (normalized as the hunt does) map to the right
 * ATT&CK technique, and look-alike keys that start nothing do not match. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hunt/hunt_int.h"

static const char *tech(const char *key)
{
	const hu_asep *a = hu_asep_of_key(key);
	return a ? a->technique : NULL;
}

static void test_asep_keys(void **state)
{
	(void)state;
	static const struct {
		const char *key, *technique;
	} cases[] = {
		{"hklm\\software\\microsoft\\windows\\currentversion\\run\\updater", "T1547.001"},
		{"hku\\*\\software\\microsoft\\windows\\currentversion\\runonce\\x", "T1547.001"},
		{"hklm\\software\\wow6432node\\microsoft\\windows\\currentversion\\run\\y", "T1547.001"},
		{"hkcu\\software\\microsoft\\windows\\currentversion\\policies\\explorer\\run\\z", "T1547.001"},
		{"hklm\\software\\microsoft\\windows nt\\currentversion\\winlogon\\userinit", "T1547.004"},
		{"hklm\\software\\microsoft\\windows nt\\currentversion\\image file execution options\\sethc.exe\\debugger",
		 "T1546.012"},
		{"hklm\\software\\microsoft\\windows nt\\currentversion\\silentprocessexit\\notepad.exe\\monitorprocess",
		 "T1546.012"},
		{"hklm\\software\\microsoft\\windows nt\\currentversion\\windows\\appinit_dlls", "T1546.010"},
		{"hku\\*\\software\\classes\\clsid\\{b5f8350b-0548-48b1-a6ee-88bd00b4a5e7}\\inprocserver32\\(default)",
		 "T1546.015"},
		{"hklm\\software\\microsoft\\active setup\\installed components\\{abc}\\stubpath", "T1547.014"},
		{"hklm\\system\\currentcontrolset\\control\\lsa\\security packages", "T1547.005"},
		{"hklm\\system\\currentcontrolset\\control\\lsa\\notification packages", "T1556.002"},
		{"hklm\\system\\currentcontrolset\\control\\print\\monitors\\pm\\driver", "T1547.010"},
		{"hklm\\software\\microsoft\\netsh\\helper", "T1546.007"},
		{"hklm\\system\\currentcontrolset\\control\\session manager\\bootexecute", "T1547.001"},
		{"hku\\*\\software\\microsoft\\windows\\currentversion\\explorer\\user shell folders\\startup",
		 "T1547.001"},
		{"hkcu\\software\\microsoft\\command processor\\autorun", "T1546"},
		{"hku\\*\\environment\\userinitmprlogonscript", "T1037.001"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *t = tech(cases[i].key);
		if (!t || strcmp(t, cases[i].technique))
			fail_msg("%s: got %s, want %s", cases[i].key, t ? t : "(none)", cases[i].technique);
	}
}

static void test_not_asep(void **state)
{
	(void)state;
	static const char *const keys[] = {
		"hklm\\software\\microsoft\\windows\\currentversion\\runtimebroker\\x",
		"hklm\\software\\microsoft\\windows nt\\currentversion\\winlogon\\lastusedusername",
		"hklm\\software\\microsoft\\windows nt\\currentversion\\image file execution options\\a.exe\\mitigationoptions",
		/* COM registrations in the machine hive are what installers do */
		"hklm\\software\\classes\\clsid\\{abc}\\inprocserver32\\(default)",
		"hklm\\system\\currentcontrolset\\control\\lsa\\limitblankpassworduse",
		"hku\\*\\software\\vendor\\product\\settings\\lastcheck",
	};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (hu_asep_of_key(keys[i]))
			fail_msg("%s matched %s", keys[i], hu_asep_of_key(keys[i])->name);
}

static void test_startup_folder(void **state)
{
	(void)state;
	assert_true(hu_is_startup_folder(
	    "c:\\users\\*\\appdata\\roaming\\microsoft\\windows\\start menu\\programs\\startup\\a.lnk"));
	assert_true(hu_is_startup_folder("c:\\programdata\\microsoft\\windows\\start menu\\programs\\startup\\b.vbs"));
	assert_false(hu_is_startup_folder("c:\\programdata\\microsoft\\windows\\start menu\\programs\\vendor\\b.lnk"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_asep_keys),
	    cmocka_unit_test(test_not_asep),
	    cmocka_unit_test(test_startup_folder),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
