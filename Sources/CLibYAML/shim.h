#ifndef TOKENSMITH_CLIBYAML_SHIM_H
#define TOKENSMITH_CLIBYAML_SHIM_H
#include <yaml.h>
#endif
