/* labels: see labels.h. */
#include "admin/labels.h"

#include <string.h>

static const struct labels_entry types[] = {
        {"accusation", "检举控告"}, {"appeal", "申诉"}, {"suggestion", "批评建议"}, {NULL, NULL}};
static const struct labels_entry categories[] = {{"political", "政治纪律"},
                                                 {"organizational", "组织纪律"},
                                                 {"integrity", "廉洁纪律"},
                                                 {"mass", "群众纪律"},
                                                 {"work", "工作纪律"},
                                                 {"life", "生活纪律"},
                                                 {"legal", "涉嫌职务违法、职务犯罪"},
                                                 {"other", "其他"},
                                                 {NULL, NULL}};
static const struct labels_entry levels[] = {{"county", "县处级"},
                                             {"township", "乡科级"},
                                             {"staff", "一般干部"},
                                             {"village", "村（社区）干部"},
                                             {"enterprise", "国有企业管理人员"},
                                             {"other", "其他人员"},
                                             {"unknown", "不清楚"},
                                             {NULL, NULL}};
static const struct labels_entry yesno[] = {
        {"yes", "是"}, {"no", "否"}, {"unknown", "不清楚"}, {NULL, NULL}};
static const struct labels_entry purposes[] = {
        {"material", "补充材料"}, {"objection", "异议"}, {NULL, NULL}};

const struct labels_entry *
labels_types(void)
{
	return types;
}

const struct labels_entry *
labels_categories(void)
{
	return categories;
}

const struct labels_entry *
labels_levels(void)
{
	return levels;
}

const struct labels_entry *
labels_yesno(void)
{
	return yesno;
}

const struct labels_entry *
labels_purposes(void)
{
	return purposes;
}

const char *
labels_zh(const struct labels_entry *t, const char *v)
{
	if (t == NULL || v == NULL)
		return NULL;
	for (; t->value != NULL; t++)
		if (strcmp(t->value, v) == 0)
			return t->zh;
	return NULL;
}
