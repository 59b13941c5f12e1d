/* updguard.h — the public API of libupdguard, in one include.
 *
 * updguard reconstructs software-update deliveries from endpoint and network
 * logs and judges what each host did afterwards (see docs/). The library is
 * organised in layers (core, event, sources, sigma, hunt, report, sim); this
 * header pulls in the public part of each.
 */
#ifndef UPDGUARD_H
#define UPDGUARD_H

#include "updguard/common.h"
#include "updguard/context.h"
#include "updguard/error.h"
#include "updguard/event.h"
#include "updguard/fields.h"
#include "updguard/sigma.h"
#include "updguard/sim.h"
#include "updguard/time.h"

/* Version of the library, "MAJOR.MINOR.PATCH". */
const char *ug_version(void);

#endif
