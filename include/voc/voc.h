// The whole public API of voc in one include. Each header is documented on
// its own; docs/ARCHITECTURE.md maps them to the stages of the data flow.
#ifndef VOC_VOC_H_
#define VOC_VOC_H_

#include "voc/status.h"
#include "voc/files.h"
#include "voc/json.h"
#include "voc/parallel.h"
#include "voc/analysis.h"
#include "voc/reader.h"
#include "voc/conversation.h"
#include "voc/classifier.h"
#include "voc/normalizer.h"
#include "voc/redactor.h"
#include "voc/tokenizer.h"
#include "voc/language.h"
#include "voc/sentiment.h"
#include "voc/taxonomy.h"
#include "voc/signals.h"
#include "voc/analyzer.h"
#include "voc/pipeline.h"
#include "voc/adapter.h"
#include "voc/model_input.h"
#include "voc/aggregate.h"
#include "voc/economics.h"
#include "voc/history.h"
#include "voc/findings.h"
#include "voc/discovery.h"
#include "voc/report.h"

#endif  // VOC_VOC_H_
